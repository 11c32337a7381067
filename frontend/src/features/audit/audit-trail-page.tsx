export function AuditTrailPage() {
  return <p>AuditTrailPage</p>;
}
