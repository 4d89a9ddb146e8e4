/**
 * Whether process `pid` exists (a zombie not yet reaped counts: it is not gone); a negative `pid`
 * asks the same of every process in group `-pid`.
 */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
