export type MigrationErrorCode =
  /** An applied migration's file changed since it was applied. */
  | 'checksum-mismatch'
  /** `_prisma_migrations` records a migration that started and never finished. */
  | 'failed-migration'
  /** A migration's SQL failed; its transaction was rolled back and nothing was recorded. */
  | 'apply-failed'
  /** Another runner held the migration lock for longer than the timeout. */
  | 'lock-timeout';

export class MigrationError extends Error {
  override readonly name = 'MigrationError';

  constructor(
    readonly code: MigrationErrorCode,
    message: string,
    /** The migration folder name, when the error concerns one. */
    readonly migration?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
