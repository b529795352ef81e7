/**
 * Waits for `step` at most `ms`, then goes on; `late(ms)` is called when it gives up. The step's
 * failure is ignored: for shutdown steps, where going on matters more than how a step ended.
 */
export async function bounded(step: Promise<unknown> | undefined, ms: number, late: (ms: number) => void): Promise<'done' | 'late'> {
  if (!step) return 'done';
  let timer: ReturnType<typeof setTimeout> | undefined;
  const giveUp = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), ms)));
  const outcome = await Promise.race([
    step.then(
      () => 'done' as const,
      () => 'done' as const,
    ),
    giveUp,
  ]);
  clearTimeout(timer);
  if (outcome === 'late') late(ms);
  return outcome;
}
