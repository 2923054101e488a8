// Loaded with `--import` in a kit child process: shifts what `Date.now()` and `new Date()` read by
// ES_CLOCK_SKEW_MS, as on a machine whose clock is wrong. Timers are untouched.
const skewMs = Number(process.env.ES_CLOCK_SKEW_MS ?? 0);
const TrueDate = Date;

globalThis.Date = new Proxy(TrueDate, {
  construct: (target, args, newTarget) =>
    Reflect.construct(target, args.length === 0 ? [TrueDate.now() + skewMs] : args, newTarget),
  apply: () => new TrueDate(TrueDate.now() + skewMs).toString(),
  get: (target, key, receiver) => (key === 'now' ? () => TrueDate.now() + skewMs : Reflect.get(target, key, receiver)),
});

export {};
