/** The locale key of the plain-words reason for a generation's fail code. */
export function failureReasonKey(failCode: string | undefined): string {
  if (!failCode) return 'gen-reason-rejected';
  if (failCode === 'generation.timeout' || failCode === 'kie.timeout') return 'gen-reason-timeout';
  if (failCode === 'generation.delivery_failed') return 'gen-reason-delivery';
  if (failCode === 'generation.cancelled') return 'gen-reason-cancelled';
  if (failCode === 'kie.422' || failCode === 'kie.400') return 'gen-reason-invalid';
  // Our account, KIE's limits or KIE being down: nothing the user can change, so "try later".
  if (failCode.startsWith('kie.')) return 'gen-reason-unavailable';
  // Anything else is the task's own failCode from KIE: the model could not make this one.
  return 'gen-reason-rejected';
}
