export default function NewUser() {
  return <h1>new user form</h1>;
}
