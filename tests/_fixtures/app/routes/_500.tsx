export default function ServerError() {
  return <h1>custom 500</h1>;
}
