"""eval-peers: reference recommenders under the full-ranking leave-one-out protocol.

Run through the wrapper, which sets up the virtual environment:

    scripts/eval-peers --sequences ../shared/datasets/amazon-beauty/Beauty.txt \\
        [--attributes ../shared/datasets/amazon-beauty/Beauty_item2attributes.json] \\
        [--k 10,20] [--models pop,als,seq] [--json out.json] [--max-users N] \\
        [--tailor .build/release/tailor]   # Tailor's row first: `tailor eval` on the same files

Protocol (../shared/datasets/README.md): per user the last item is the test target,
the second-last the validation item, the rest history; models train on every
interaction except the test targets; all items are ranked, the user's own training
items left out; HR@k, NDCG@k (rank from 0) and catalog coverage at the largest k.
Users with fewer than 3 interactions are not evaluated (their count is printed);
their interactions except the last still train the models. See dataset.py and
ranking.py for the details (id order, ties).

Models (models.py):
  pop  number of training interactions per item.
  als  implicit's AlternatingLeastSquares, 64 factors, library defaults otherwise
       (regularization 0.01, alpha 1.0, 15 iterations, conjugate gradient),
       random_state = --seed, on the binary users × items matrix of training
       interactions. On Beauty this gives HR@10 0.0378 / NDCG@10 0.0199 (seeds 0, 1,
       2 alike; regularization 0.1–1, 50 iterations, float64 or no CG change nothing),
       not the ≈ 0.056 / 0.029 of the datasets README. What reaches that number is a
       confidence scale on the binary matrix: --als-alpha 15 gives 0.0564 / 0.0291
       (alpha 10: 0.0552 / 0.0289, 20: 0.0567 / 0.0290, 40: 0.0571 / 0.0290; BM25
       weighting instead: 0.0548 / 0.0281), so the README's run most likely scaled the
       matrix (older `implicit` releases had no alpha and left the scaling to the
       caller). The default stays the library's alpha = 1.0.
  seq  the plain sequential item-to-item reference. The issue's definition —
       "pairs within 3 steps of each other in the training sequences weighted
       1/distance and counted twice, plus same-shopper co-occurrence, both divided by
       the square root of the target's popularity; the shopper's last 5 items
       weighted 0.6^j, newest first" — admits several readings, selectable with
       --seq-reading. In all of them seq(a, b) sums 1/d over every occurrence of b
       at distance d ≤ 3 after a in a training sequence (a ≠ b), cooc(a, b) counts
       the shoppers having both among their training items (once per shopper), pop
       is the target's number of training interactions, and a user's score for t is
       Σ_j 0.6^j · M(s_j, t) over the last 5 training items s_j, newest j = 0.
       On Beauty (2 cores, 2026-11-26):

         reading      M(a, t) · sqrt(pop(t))                  HR@10   NDCG@10  HR@20   NDCG@20
         forward-x2   2 · seq(a, t) + cooc(a, t)              0.0884  0.0564   0.1147  0.0630
         forward      seq(a, t) + cooc(a, t)                  0.0866  0.0552   0.1122  0.0617
         both         seq(a, t) + seq(t, a) + cooc(a, t)      0.0834  0.0520   0.1093  0.0585
         both-x2      2 · (seq(a, t) + seq(t, a)) + cooc      0.0838  0.0522   0.1098  0.0587

       "forward-x2" (the sequential part weighted × 2, only in the direction of the
       sequence, earlier → later, plus co-occurrence) reproduces the expected
       ≈ 0.089 / 0.057 and is the default. Other details checked on that reading:
       pop as distinct shoppers instead of interactions gives the same numbers; no
       division by sqrt(pop) 0.0891 / 0.0539; co-occurrence × 0.5 0.0882 / 0.0561;
       the sequential part alone 0.0823 / 0.0534. Ties (an optimistic or pessimistic
       rank instead of the item-index order) move HR@10 by < 0.0004.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from .dataset import Split, load_split, summarize_attributes
from .models import DEFAULT_SEQ_READING, MODEL_NAMES, SEQ_READINGS, build_model
from .ranking import RankingResult, evaluate


def parse_k_values(text: str) -> list[int]:
    """'10,20' -> [10, 20]: positive, distinct, ascending."""
    try:
        values = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"--k wants integers separated by commas, got {text!r}")
    if not values or values[0] < 1:
        raise argparse.ArgumentTypeError("--k wants positive integers")
    return values


def parse_models(text: str) -> list[str]:
    """'pop,seq' -> ['pop', 'seq'], in the order given."""
    names = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [name for name in names if name not in MODEL_NAMES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"--models wants some of {','.join(MODEL_NAMES)}, got {text!r}")
    return list(dict.fromkeys(names))


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="eval-peers",
        description="Evaluates reference recommenders (full ranking, leave-one-out) on a sequence file.",
    )
    parser.add_argument("--sequences", type=Path, required=True, help="the `user item1 item2 …` file")
    parser.add_argument("--attributes", type=Path, help="the matching _item2attributes.json (reported; passed to `tailor eval` with --tailor)")
    parser.add_argument("--k", type=parse_k_values, default=[10, 20], help="cut-offs, e.g. 10,20 (default)")
    parser.add_argument(
        "--models", type=parse_models, default=list(MODEL_NAMES), help="some of pop,als,seq (default: all)"
    )
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    parser.add_argument("--max-users", type=int, help="only the first N users of the file (quick runs)")
    parser.add_argument("--seed", type=int, default=0, help="ALS random_state (default 0)")
    parser.add_argument("--threads", type=int, default=1, help="threads for ALS (default 1)")
    parser.add_argument(
        "--als-alpha", type=float, default=1.0, help="ALS confidence scale (default 1.0, the library's)"
    )
    parser.add_argument(
        "--seq-reading",
        choices=sorted(SEQ_READINGS),
        default=DEFAULT_SEQ_READING,
        help=f"reading of the seq reference's definition (default {DEFAULT_SEQ_READING}; see the docstring)",
    )
    parser.add_argument("--batch-size", type=int, default=1024, help="users scored at once (default 1024)")
    parser.add_argument(
        "--tailor",
        type=Path,
        help="a built `tailor` binary: also run `tailor eval` on the same files and put its row first in the table",
    )
    return parser.parse_args(argv)


def run_model(name: str, split: Split, args: argparse.Namespace) -> tuple[RankingResult, float]:
    """Fits and evaluates one model; returns its result and the wall time in seconds."""
    started = time.perf_counter()
    model = build_model(
        name, seed=args.seed, threads=args.threads, seq_reading=args.seq_reading, als_alpha=args.als_alpha
    )
    model.fit(split)
    result = evaluate(
        model.score, split.eval_users, split.test_items, split.train_matrix, max(args.k), args.batch_size
    )
    return result, time.perf_counter() - started


def model_label(name: str, args: argparse.Namespace) -> str:
    """The model's name, with any non-default setting that changes its numbers."""
    if name == "seq" and args.seq_reading != DEFAULT_SEQ_READING:
        return f"seq ({args.seq_reading})"
    if name == "als" and args.als_alpha != 1.0:
        return f"als (alpha {args.als_alpha:g})"
    return name


def result_row(name: str, result: RankingResult, seconds: float, k_values: list[int]) -> dict:
    """One model's numbers, keyed as in the table."""
    row: dict = {"model": name}
    for k in k_values:
        row[f"HR@{k}"] = result.hit_rate(k)
        row[f"NDCG@{k}"] = result.ndcg(k)
    row["coverage"] = result.coverage()
    row["seconds"] = seconds
    return row


def markdown_table(rows: list[dict], k_values: list[int]) -> str:
    """model | HR@k | NDCG@k … | coverage | seconds."""
    columns = ["model"] + [f"{m}@{k}" for k in k_values for m in ("HR", "NDCG")] + ["coverage", "seconds"]
    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join(" --- " for _ in columns) + "|"]
    for row in rows:
        cells = [row["model"]]
        cells += [f"{row[column]:.4f}" for column in columns[1:-2]]
        cells += [f"{row['coverage']:.4f}", f"{row['seconds']:.1f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def dataset_summary(split: Split, args: argparse.Namespace) -> dict:
    """The dataset and split facts printed above the table and stored in the JSON."""
    summary = {
        "sequences": str(args.sequences),
        "users": split.n_users,
        "items": split.n_items,
        "interactions": split.interactions,
        "training_interactions": split.train_interactions,
        "evaluated_users": int(len(split.eval_users)),
        "skipped_users": split.skipped_users,
        "repeated_test_items": split.repeated_test_items(),
        "max_users": args.max_users,
    }
    if args.attributes is not None:
        attributes = summarize_attributes(args.attributes, split.item_ids)
        summary["attributes"] = str(args.attributes)
        summary["items_with_attributes"] = attributes.items_with_attributes
        summary["distinct_attributes"] = attributes.distinct_attributes
    return summary


def print_summary(summary: dict, args: argparse.Namespace) -> None:
    print(f"dataset: {summary['sequences']}" + (f" (first {args.max_users} users)" if args.max_users else ""))
    print(
        f"users {summary['users']:,}, items {summary['items']:,}, interactions {summary['interactions']:,} "
        f"(training {summary['training_interactions']:,})"
    )
    print(f"evaluated users {summary['evaluated_users']:,}; skipped (fewer than 3 interactions) {summary['skipped_users']:,}")
    if summary["repeated_test_items"]:
        print(
            f"test items the user already has in training (left out of the ranking, so misses): "
            f"{summary['repeated_test_items']:,}"
        )
    if "items_with_attributes" in summary:
        print(
            f"attributes: {summary['items_with_attributes']:,} of {summary['items']:,} items, "
            f"{summary['distinct_attributes']:,} distinct (not used by these models)"
        )
    print(f"full ranking of all items, user's training items excluded; coverage at k = {max(args.k)}")
    print()


def run_tailor(args: argparse.Namespace) -> dict:
    """`tailor eval` on the same files (the same protocol, through Tailor's scoring path), as a table row."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / "tailor.json"
        command = [str(args.tailor), "eval", "--sequences", str(args.sequences), "--k", ",".join(map(str, args.k)), "--json", str(output)]
        if args.attributes is not None:
            command += ["--attributes", str(args.attributes)]
        if args.max_users is not None:
            command += ["--max-users", str(args.max_users)]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        result = json.loads(output.read_text(encoding="utf-8"))[0]
    row: dict = {"model": "tailor"}
    for k in args.k:
        row[f"HR@{k}"] = result["hitRate"][str(k)]
        row[f"NDCG@{k}"] = result["ndcg"][str(k)]
    row["coverage"] = result["coverage"]
    row["seconds"] = time.perf_counter() - started
    print(f"tailor: done in {row['seconds']:.1f} s", file=sys.stderr)
    return row


def main(argv: list[str]) -> int:
    args = parse_arguments(argv)
    split = load_split(args.sequences, args.max_users)
    summary = dataset_summary(split, args)
    print_summary(summary, args)

    rows = []
    if args.tailor is not None:
        rows.append(run_tailor(args))
    for name in args.models:
        result, seconds = run_model(name, split, args)
        label = model_label(name, args)
        rows.append(result_row(label, result, seconds, args.k))
        print(f"{label}: done in {seconds:.1f} s", file=sys.stderr)

    print(markdown_table(rows, args.k))

    if args.json is not None:
        report = {
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
            "dataset": summary,
            "k": args.k,
            "seed": args.seed,
            "seq_reading": args.seq_reading,
            "als_alpha": args.als_alpha,
            "results": rows,
        }
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
