export function ApiKeysPage() {
  return <p>ApiKeysPage</p>;
}
