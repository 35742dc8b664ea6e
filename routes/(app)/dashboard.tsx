import { PageHeader } from "@/components/PageHeader.tsx";

export default function DashboardPage() {
  return (
    <PageHeader title="Dashboard">
      This page will show spend, conversions, CPA and ROAS across your campaigns, with trend charts
      drawn from real delivery data.
    </PageHeader>
  );
}
