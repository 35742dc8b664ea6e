import { PageHeader } from "@/components/PageHeader.tsx";

export default function AdAccountsPage() {
  return (
    <PageHeader title="Ad accounts">
      This page will list the ad accounts AAE manages for you and let you connect a new one,
      starting with the built-in sandbox platform.
    </PageHeader>
  );
}
