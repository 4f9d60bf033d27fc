/** A validation or account failure the fake answers with a body code (and the wire's HTTP status). */
export class KieReject extends Error {
  readonly code: number;
  constructor(code: number, msg: string) {
    super(msg);
    this.code = code;
  }
}
