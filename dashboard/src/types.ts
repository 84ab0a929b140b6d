/** The API's response shapes the page uses (see shared/api/schemas.ts and /api/openapi.json). */
export interface Segment {
  id: string;
  code: string;
  branch: string;
  region: string;
  name: string;
  is_active: boolean;
  orchestration_paused: boolean;
  latest_plan: {
    date: string;
    target_leads_per_day: number;
    target_source: 'capacity' | 'override';
    actual_leads: number;
    lead_gap: number;
    lead_gap_percentage: number;
    actual_daily_budget_google_ads: string | null;
  } | null;
  overview: {
    as_of: string;
    capacity_total_leads: number | null;
    leads_yesterday: number | null;
    leads_7d_avg: number;
    last_budget_change: {
      date: string;
      old_value: string | null;
      new_value: string | null;
      status: string;
    } | null;
  };
}

export interface Stats {
  date: string;
  leads_generated: number;
  google_ads_spend: string;
  avg_cpl: string | null;
}

export interface Plan {
  date: string;
  target_leads_per_day: number;
  actual_daily_budget_google_ads: string | null;
}

export interface Decision {
  date: string;
  status: string;
  old_value: string | null;
  new_value: string | null;
  explanation: string;
  error_message: string | null;
}

export interface Override {
  id: string;
  target_leads_per_day: number;
  valid_from: string;
  valid_to: string | null;
  reason: string;
  created_by: string;
  active: boolean;
}

export interface Status {
  kill_switch: { enabled: boolean };
  steps: {
    step: string;
    run_date: string;
    status: string;
    finished_at: string | null;
    counts: Record<string, unknown>;
    error_message: string | null;
  }[];
  failures: {
    runs: { step: string; run_date: string; error_message: string | null }[];
    decisions: { date: string; segment_code: string; error_message: string | null; explanation: string }[];
  };
}
