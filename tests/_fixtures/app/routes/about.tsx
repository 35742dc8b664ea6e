import { Head } from "$fresh/runtime.ts";

export default function About() {
  return (
    <>
      <Head>
        <meta name="description" content="about page" />
      </Head>
      <h1>about</h1>
    </>
  );
}
