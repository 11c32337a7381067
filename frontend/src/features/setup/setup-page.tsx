export function SetupPage() {
  return <p>SetupPage</p>;
}
