/** Real time plus what the test skips ahead, so retries minutes apart take no time while I/O still runs. */
export function skippingClock(): { now: () => Date; advance: (ms: number) => void } {
  let skipped = 0;
  return {
    now: () => new Date(Date.now() + skipped),
    advance: (ms) => {
      skipped += ms;
    },
  };
}
