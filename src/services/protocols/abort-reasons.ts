/** Abort reasons that stop a run without failing the job: it stays `running` for the next worker. */
export const SHUTDOWN = 'shutdown';
export const LEASE_LOST = 'lease_lost';
