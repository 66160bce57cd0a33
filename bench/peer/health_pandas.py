#!/usr/bin/env python3
"""The health model of HEALTH.md in plain pandas, written the way an analyst would.

Reads the seven data-contract CSV files, computes every metric, measure, health, band, coverage
and at-risk reason (all but FLAGGED: benchmark data has no console actions) as of the data's
freshness date, and writes `account_id,health,band,coverage,reasons` as CSV.

    health_pandas.py DATA_DIR OUT.csv [--metrics METRICS.csv]
    health_pandas.py --compare PANDAS.csv RETAIN_ACCOUNTS.csv

The second form compares this script's output with `retain accounts --format csv` for every
account (the same accounts; health exactly; the same set of reason codes; and, as a bonus, band
exactly and coverage to retain's 4 decimals), prints the number of mismatches with examples, and
exits 1 when there is any.

Readings of the spec follow README.md "Readings of the spec": usage or tickets "loaded at all"
means at least one row dated on or before T (over the whole table); a feature column empty
in every row up to T counts as absent; GONE_DARK only when usage was loaded; rounding is half
away from zero after cutting float noise at 6 decimals; days_since_touch counts activities.
"""
import os
import time
import sys

import numpy as np
import pandas as pd

# HEALTH.md "Measures": (metric, bad, good, weight), in the order of the table.
MEASURES = [
    ("utilization", 0.2, 0.8, 20),
    ("usage_trend", 0.5, 1.0, 15),
    ("features_30d", 1, 5, 5),
    ("open_ticket_load", 60, 0, 15),
    ("oldest_escalation_days", 14, 2, 5),
    ("nps_180d", -50, 50, 15),
    ("csat_180d", 50, 90, 10),
    ("ces_180d", 5, 2, 5),
    ("days_since_touch", 90, 14, 10),
    ("outcomes_on_track", 50, 100, 10),
]
TICKET_LOAD = {"urgent": 40, "high": 20, "normal": 8, "low": 3}
DAY = pd.Timedelta(days=1)


READ_SECONDS = [0.0]


def read(data_dir, table):
    """A table's CSV (or .csv.gz) as text columns, names trimmed and lower-cased, cells trimmed,
    empty cells as NaN. None when the folder has no file for the table."""
    started = time.perf_counter()
    try:
        for ext in (".csv", ".csv.gz"):
            path = os.path.join(data_dir, table + ext)
            if os.path.exists(path):
                df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
                df.columns = [c.strip().lower() for c in df.columns]
                return df
        return None
    finally:
        READ_SECONDS[0] += time.perf_counter() - started


def utc_day(values):
    """The UTC calendar day of ISO 8601 timestamps (a bare date is midnight; no zone is UTC)."""
    ts = pd.to_datetime(values.str.strip(), utc=True, format="ISO8601")
    return ts.dt.tz_convert(None).dt.normalize()


def day(values):
    return pd.to_datetime(values.str.strip(), format="%Y-%m-%d")


def round_half_away(x):
    # Cut float noise at 6 decimals (76.4999999 is 76.5), then round half away from zero.
    x = np.sign(x) * np.floor(np.abs(x) * 1e6 + 0.5) / 1e6
    return np.sign(x) * np.floor(np.abs(x) + 0.5)


def compute(data_dir):
    accounts = read(data_dir, "accounts")
    usage = read(data_dir, "usage")
    tickets = read(data_dir, "tickets")
    surveys = read(data_dir, "surveys")
    activities = read(data_dir, "activities")
    outcomes = read(data_dir, "outcomes")
    contacts = read(data_dir, "contacts")

    accounts["account_id"] = accounts["account_id"].str.strip()
    accounts["arr"] = accounts["arr"].astype(float)
    accounts["seats"] = pd.to_numeric(accounts.get("seats"), errors="coerce")
    accounts["contract_start"] = day(accounts["contract_start"])
    for col in ("renewal_date", "churned_on"):
        accounts[col] = day(accounts[col]) if col in accounts else pd.NaT
    known = set(accounts["account_id"])

    def prepare(df, stamp_cols):
        """Rows of loaded accounts (others are orphans), with the UTC day of each timestamp."""
        if df is None:
            return None
        df["account_id"] = df["account_id"].str.strip()
        df = df[df["account_id"].isin(known)].copy()
        for col in stamp_cols:
            df[col + "_day"] = utc_day(df[col]) if col in df else pd.NaT
        return df

    usage = prepare(usage, ["occurred_at"])
    tickets = prepare(tickets, ["opened_at", "closed_at"])
    surveys = prepare(surveys, ["responded_at"])
    activities = prepare(activities, ["occurred_at"])

    # The as-of date T: the data's freshness, the latest date of any activity in the data.
    candidates = []
    if usage is not None:
        candidates.append(usage["occurred_at_day"].max())
    if tickets is not None:
        candidates += [tickets["opened_at_day"].max(), tickets["closed_at_day"].max()]
    if surveys is not None:
        candidates.append(surveys["responded_at_day"].max())
    if activities is not None:
        candidates.append(activities["occurred_at_day"].max())
    candidates = [c for c in candidates if pd.notna(c)]
    T = max(candidates) if candidates else pd.Timestamp.now(tz="UTC").tz_convert(None).normalize()

    def days_before(d):
        return (T - d).dt.days

    # Accounts in the portfolio at T.
    acc = accounts[
        (accounts["contract_start"] <= T) & (accounts["churned_on"].isna() | (accounts["churned_on"] > T))
    ].set_index("account_id")
    m = pd.DataFrame(index=acc.index)

    # --- usage
    if usage is not None:
        usage = usage[usage["occurred_at_day"] <= T].copy()
    usage_loaded = usage is not None and len(usage) > 0
    if usage_loaded:
        usage["count"] = pd.to_numeric(usage["count"], errors="coerce").fillna(1) if "count" in usage else 1
        if "feature" not in usage:
            usage["feature"] = np.nan
        usage["feature"] = usage["feature"].str.strip().replace("", np.nan)
        age = days_before(usage["occurred_at_day"])
        last30 = usage[age <= 29]
        prev30 = usage[(age >= 30) & (age <= 59)]
        by = "account_id"
        m["active_users_30d"] = last30.groupby(by)["user_id"].nunique().reindex(m.index).fillna(0)
        seats = acc["seats"].where(acc["seats"] > 0)
        m["utilization"] = m["active_users_30d"] / seats
        m["events_30d"] = last30.groupby(by)["count"].sum().reindex(m.index).fillna(0)
        m["events_prev_30d"] = prev30.groupby(by)["count"].sum().reindex(m.index).fillna(0)
        trend = m["events_30d"] / m["events_prev_30d"].where(m["events_prev_30d"] > 0)
        m["usage_trend"] = trend.where(m["events_prev_30d"] > 0, np.where(m["events_30d"] > 0, 1.0, np.nan))
        if usage["feature"].notna().any():
            m["features_30d"] = last30.groupby(by)["feature"].nunique().reindex(m.index).fillna(0)
        else:
            m["features_30d"] = np.nan
        last_use = usage.groupby(by)["occurred_at_day"].max().reindex(m.index)
        m["days_since_last_use"] = (T - last_use).dt.days
    else:
        for col in ("active_users_30d", "utilization", "events_30d", "events_prev_30d", "usage_trend",
                    "features_30d", "days_since_last_use"):
            m[col] = np.nan

    # --- tickets
    if tickets is not None:
        tickets = tickets[tickets["opened_at_day"] <= T].copy()
    if tickets is not None and len(tickets) > 0:
        tickets["priority"] = tickets["priority"].str.strip().str.lower()
        is_open = tickets["closed_at_day"].isna() | (tickets["closed_at_day"] > T)
        open_t = tickets[is_open].copy()
        open_t["points"] = open_t["priority"].map(TICKET_LOAD).fillna(TICKET_LOAD["low"])
        m["open_ticket_load"] = open_t.groupby("account_id")["points"].sum().reindex(m.index).fillna(0)
        esc = open_t[open_t["priority"].isin(["urgent", "high"])]
        oldest = esc.groupby("account_id")["opened_at_day"].min().reindex(m.index)
        m["oldest_escalation_days"] = (T - oldest).dt.days.fillna(0)
    else:
        m["open_ticket_load"] = np.nan
        m["oldest_escalation_days"] = np.nan

    # --- surveys (last 180 days; detractors in the last 90)
    m["nps_180d"] = m["csat_180d"] = m["ces_180d"] = np.nan
    detractor = pd.Series(False, index=m.index)
    if surveys is not None and len(surveys) > 0:
        surveys = surveys[surveys["responded_at_day"] <= T].copy()
        surveys["kind"] = surveys["kind"].str.strip().str.lower()
        surveys["score"] = surveys["score"].astype(int)
        age = days_before(surveys["responded_at_day"])
        recent = surveys[age <= 179]
        nps = recent[recent["kind"] == "nps"].assign(
            promoter=lambda d: d["score"] >= 9, detractor=lambda d: d["score"] <= 6)
        g = nps.groupby("account_id")
        nps_value = 100.0 * (g["promoter"].sum() - g["detractor"].sum()) / g.size()
        m["nps_180d"] = nps_value.reindex(m.index)
        csat = recent[recent["kind"] == "csat"].assign(satisfied=lambda d: d["score"] >= 4)
        g = csat.groupby("account_id")
        m["csat_180d"] = (100.0 * g["satisfied"].sum() / g.size()).reindex(m.index)
        ces = recent[recent["kind"] == "ces"]
        m["ces_180d"] = ces.groupby("account_id")["score"].mean().reindex(m.index)
        det = surveys[(surveys["kind"] == "nps") & (surveys["score"] <= 6) & (age <= 89)]
        detractor = m.index.isin(det["account_id"].unique())

    # --- CSM touches (activities file only: the benchmark data has no console actions)
    if activities is not None and len(activities) > 0:
        activities = activities[activities["occurred_at_day"] <= T]
        last_touch = activities.groupby("account_id")["occurred_at_day"].max().reindex(m.index)
        m["days_since_touch"] = (T - last_touch).dt.days
    else:
        m["days_since_touch"] = np.nan

    m["days_to_renewal"] = (acc["renewal_date"] - T).dt.days

    # --- outcomes: counted ones created by T, not dropped by T, due within the last 365 days
    m["outcomes_on_track"] = np.nan
    m["overdue_outcomes"] = 0
    if outcomes is not None and len(outcomes) > 0:
        o = outcomes.copy()
        o["account_id"] = o["account_id"].str.strip()
        o = o[o["account_id"].isin(known)]
        for col in ("created_on", "due_on", "achieved_on", "dropped_on"):
            o[col] = day(o[col]) if col in o else pd.NaT
        counted = o[(o["created_on"] <= T) & (o["dropped_on"].isna() | (o["dropped_on"] > T))
                    & (o["due_on"] >= T - 365 * DAY)].copy()
        is_open = counted["achieved_on"].isna() | (counted["achieved_on"] > T)
        counted["on_track"] = ~is_open | (counted["due_on"] >= T)
        counted["overdue"] = is_open & (counted["due_on"] < T)
        g = counted.groupby("account_id")
        m["outcomes_on_track"] = (100.0 * g["on_track"].sum() / g.size()).reindex(m.index)
        m["overdue_outcomes"] = g["overdue"].sum().reindex(m.index).fillna(0)

    # --- contacts: a champion or decision maker who left in the last 90 days
    champion_left = pd.Series(False, index=m.index)
    if contacts is not None and len(contacts) > 0:
        c = contacts.copy()
        c["account_id"] = c["account_id"].str.strip()
        truthy = lambda col: c[col].fillna("").str.strip().str.lower().isin(["true", "yes", "1"]) \
            if col in c else False
        left = day(c["left_on"]) if "left_on" in c else pd.Series(pd.NaT, index=c.index)
        gone = c[(truthy("champion") | truthy("decision_maker")) & (left <= T) & (left > T - 90 * DAY)]
        champion_left = pd.Series(m.index.isin(gone["account_id"].unique()), index=m.index)

    # --- measures and health
    weighted = pd.Series(0.0, index=m.index)
    present = pd.Series(0.0, index=m.index)
    total = sum(w for _, _, _, w in MEASURES)
    for metric, bad, good, weight in MEASURES:
        v = m[metric].astype(float)
        score = (100.0 * (v - bad) / (good - bad)).clip(0, 100)
        weighted += (weight * score).fillna(0)
        present += np.where(score.notna(), weight, 0)
    m["coverage"] = present / total
    m["health"] = round_half_away(weighted / present.where(present > 0))
    m["band"] = np.select([m["health"] >= 70, m["health"] >= 40, m["health"] >= 0], ["green", "yellow", "red"], "")

    # --- at-risk reasons (HEALTH.md order)
    health = m["health"]
    tenure = (T - acc["contract_start"]).dt.days
    dtr = m["days_to_renewal"]
    rules = {
        "RED": health < 40,
        "USAGE_DROP": (m["events_prev_30d"] >= 20) & (m["events_30d"] < 0.7 * m["events_prev_30d"]),
        "GONE_DARK": usage_loaded
        & ((m["days_since_last_use"] >= 14) | (m["days_since_last_use"].isna() & (tenure >= 14))),
        "DETRACTOR": pd.Series(detractor, index=m.index),
        "ESCALATION": m["oldest_escalation_days"] > 7,
        "LOW_ADOPTION": (acc["seats"] > 0) & (tenure >= 90) & (m["utilization"] < 0.3),
        "RENEWAL_RISK": (dtr >= 0) & (dtr <= 90) & (health < 70),
        "OUTCOME_OVERDUE": m["overdue_outcomes"] >= 1,
        "CHAMPION_LEFT": champion_left,
    }
    fired = pd.DataFrame(rules).fillna(False).astype(bool)
    m["reasons"] = fired.apply(lambda row: ";".join(code for code, on in row.items() if on), axis=1) \
        if len(fired) else pd.Series(dtype=str)
    return T, m


def write(T, m, out):
    result = pd.DataFrame({
        "account_id": m.index,
        "health": m["health"].map(lambda h: "" if pd.isna(h) else str(int(h))).values,
        "band": m["band"].values,
        "coverage": m["coverage"].round(6).values,
        "reasons": m["reasons"].values,
    })
    result.to_csv(out, index=False)
    print(f"as of {T.date()}: {len(result)} accounts, {(result['reasons'] != '').sum()} at risk -> {out}",
          file=sys.stderr)


def compare(pandas_csv, retain_csv):
    opts = dict(dtype=str, keep_default_na=False)
    ours = pd.read_csv(pandas_csv, **opts).set_index("account_id")
    theirs = pd.read_csv(retain_csv, **opts).set_index("account_id")
    problems = []
    for a in sorted(set(ours.index) - set(theirs.index)):
        problems.append((a, "account", "in the portfolio here", "missing from retain"))
    for a in sorted(set(theirs.index) - set(ours.index)):
        problems.append((a, "account", "not in the portfolio here", "listed by retain"))
    both = sorted(set(ours.index) & set(theirs.index))
    mismatched = set()
    for a in both:
        h_ours, h_theirs = ours.at[a, "health"], theirs.at[a, "health"]
        if h_ours != h_theirs:
            problems.append((a, "health", h_ours or "(none)", h_theirs or "(none)"))
            mismatched.add(a)
        if ours.at[a, "band"] != theirs.at[a, "band"]:
            problems.append((a, "band", ours.at[a, "band"] or "(none)", theirs.at[a, "band"] or "(none)"))
            mismatched.add(a)
        if abs(float(ours.at[a, "coverage"]) - float(theirs.at[a, "coverage"])) > 0.00005:
            problems.append((a, "coverage", ours.at[a, "coverage"], theirs.at[a, "coverage"]))
            mismatched.add(a)
        r_ours = set(filter(None, ours.at[a, "reasons"].split(";")))
        r_theirs = set(filter(None, theirs.at[a, "reasons"].split(";")))
        if r_ours != r_theirs:
            detail = f"pandas only {sorted(r_ours - r_theirs)}, retain only {sorted(r_theirs - r_ours)}"
            problems.append((a, "reasons", ";".join(sorted(r_ours)), ";".join(sorted(r_theirs)) + f"  ({detail})"))
            mismatched.add(a)
    accounts_off = len(mismatched) + sum(1 for p in problems if p[1] == "account")
    print(f"compared {len(both)} accounts (pandas {len(ours)}, retain {len(theirs)}): "
          f"{accounts_off} mismatching accounts, {len(problems)} mismatches")
    if problems:
        kinds = pd.Series([p[1] for p in problems]).value_counts()
        print("  by kind: " + ", ".join(f"{k} {n}" for k, n in kinds.items()))
        for a, kind, expected, got in problems[:20]:
            print(f"  {a} {kind}: pandas {expected} | retain {got}")
        if len(problems) > 20:
            print(f"  ... and {len(problems) - 20} more")
        print("MISMATCH: pandas and retain disagree", file=sys.stderr)
        return 1
    codes = theirs["reasons"].str.split(";").explode()
    fired = codes[codes != ""].value_counts()
    print("agreement: health, band, coverage and reason codes identical for every account")
    print(f"  ({(theirs['health'] == '').sum()} without health; reasons fired: "
          + ", ".join(f"{c} {n}" for c, n in fired.items()) + ")")
    return 0


def main(argv):
    if len(argv) == 4 and argv[1] == "--compare":
        return compare(argv[2], argv[3])
    if len(argv) in (3, 5) and not argv[1].startswith("--"):
        started = time.perf_counter()
        T, m = compute(argv[1])
        compute_seconds = time.perf_counter() - started - READ_SECONDS[0]
        # The compute step alone (data already in memory), for run.sh's scoring comparison.
        print(f"pandas phases: read {READ_SECONDS[0]:.3f} s, compute {compute_seconds:.3f} s", file=sys.stderr)
        write(T, m, argv[2])
        if len(argv) == 5 and argv[3] == "--metrics":
            m.to_csv(argv[4])
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
