/**
 * The name to prepare a statement under after `done` units of work (events, rows) of this
 * process: a new name each time `done` doubles, so PostgreSQL plans the statement afresh for a
 * table that grew. A prepared statement's generic plan is otherwise kept until the table is
 * analyzed again, and a plan made while the tables were small (every process starts on a young
 * table after a deploy, every bench on an empty one) scans them whole for every batch once they
 * grew. Names are few: one per power of two.
 */
export function statementGeneration(statement: string, done: number): string {
  return `${statement}-g${Math.floor(Math.log2(Math.max(0, done) + 1))}`;
}

/**
 * The names of one statement's generations (statementGeneration) as this process's work with
 * it grows: `next(units)` names the call about to do `units` of work (events, rows, ids) and
 * counts them. For statements whose tables grow with that work; a table that grows on its own
 * (an opt-out list loaded in bulk) would outgrow the plan before the next generation.
 */
export class StatementGenerations {
  private done = 0;

  constructor(private readonly statement: string) {}

  next(units: number): string {
    const name = statementGeneration(this.statement, this.done);
    this.done += units;
    return name;
  }
}
