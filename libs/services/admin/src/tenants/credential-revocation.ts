import type { ChangeOutcome } from '../core/admin-changes';
import { auditEntry } from '../core/admin-changes';
import type { AdminProblem } from '../core/admin-problem';

/** A tenant's credential as stored: an API key or a client certificate. */
interface RevocableRow {
  readonly tenantId: string;
  readonly revokedAt: Date | null;
}

/**
 * Revokes a tenant's credential at once, audited as `<entity>.revoke`. Another tenant's
 * credential is "not found" (its existence is not confirmed); revoking a revoked one changes
 * nothing and answers it as it is.
 */
export async function revokeCredential<Row extends RevocableRow, View>(change: {
  readonly row: Row | null;
  readonly tenantId: string;
  readonly now: Date;
  readonly entity: string;
  readonly id: string;
  readonly view: (row: Row) => View;
  readonly notFound: () => AdminProblem;
  readonly revoke: (row: Row, now: Date) => Promise<Row>;
}): Promise<ChangeOutcome<View>> {
  const { row, now } = change;
  if (!row || row.tenantId !== change.tenantId) throw change.notFound();
  const before = change.view(row);
  if (row.revokedAt !== null && row.revokedAt.getTime() <= now.getTime()) {
    return { result: before, audit: [] };
  }
  const after = change.view(await change.revoke(row, now));
  return { result: after, audit: auditEntry(change.entity, 'revoke', change.id, before, after) };
}
