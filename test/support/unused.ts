/** A stand-in for a service a test never uses: any method call rejects, naming the service. */
export function unused<T extends object>(name: string): T {
  return new Proxy({} as T, {
    get: (_target, method) => () => Promise.reject(new Error(`${name}.${String(method)} is not used here`)),
  });
}
