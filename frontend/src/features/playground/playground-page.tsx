export default function PlaygroundPage() {
  return <p>Playground</p>;
}
