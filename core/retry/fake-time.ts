/** Test double: a clock that only moves when `sleep` is called, and the waits it was asked for, ms. */
export function fakeTime(start = 0) {
  let now = start;
  const waits: number[] = [];
  return {
    waits,
    clock: { now: () => now },
    sleep: (ms: number): Promise<void> => {
      waits.push(ms);
      now += ms;
      return Promise.resolve();
    },
  };
}
