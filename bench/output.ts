/**
 * The bench's report: every line goes to stdout and into the markdown it writes; goals are
 * collected and printed as a PASS/FAIL table at the end.
 */
export interface Goal {
  readonly name: string;
  readonly figure: string;
  readonly pass: boolean;
}
export const goals: Goal[] = [];
export const md: string[] = [];
export const say = (line = '') => {
  process.stdout.write(`${line}\n`);
  md.push(line);
};

export function table(head: string[], rows: Array<Array<string | number>>): void {
  say(`| ${head.join(' | ')} |`);
  say(`|${head.map(() => '---').join('|')}|`);
  for (const r of rows) say(`| ${r.join(' | ')} |`);
  say();
}
