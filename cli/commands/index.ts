// Every `switchyard` command. To add one: write `cli/commands/<name>.ts` exporting a
// `RegisterCommand` named `<name>Command`, then add ONE line here:
//   export { fooCommand } from './foo.ts';
// `main` registers every export of this module (help lists them alphabetically).
export { allCommand } from './all.ts';
export { completionCommand } from './completion.ts';
export { drillCommand } from './drill.ts';
export { exportCommand } from './export.ts';
export { hashKeyCommand } from './hash-key.ts';
export { migrateCommand } from './migrate.ts';
export { reconcileCommand } from './reconcile.ts';
export { reportCommand } from './report.ts';
export { servicesCommand } from './services.ts';
export { simulateCommand } from './simulate.ts';
