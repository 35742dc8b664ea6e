import { PageHeader } from "@/components/PageHeader.tsx";

export default function CampaignsPage() {
  return (
    <PageHeader title="Campaigns">
      This page will list your campaigns with filters by status and account; each will open a detail
      view with its daily chart, and forms to create or edit it.
    </PageHeader>
  );
}
