"""``accuracy``: measure the reference against mpmath ground truth and print a report."""

from __future__ import annotations

import argparse

from ._common import add_command


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = add_command(
        sub,
        "accuracy",
        summary="measure the reference against mpmath: max ulp error per dtype and position band",
        description="Compare posenc_ref.sinusoidal with a 200-bit mpmath ground truth on sampled "
        "positions in bands up to 2**26, every pair index covered. The error of an entry is "
        "|value - truth| / ulp(truth), the ulp of the true value in the output's format: "
        "a correctly rounded entry has error <= 0.5, a faithful one (one of the two "
        "representable values around the truth) error < 1.",
        example="accuracy --d-model 64 --per-band 4",
    )
    p.add_argument("--d-model", type=int, default=512, help="width of the tables")
    p.add_argument("--base", type=float, default=10000.0, help="base of the frequencies (> 1)")
    p.add_argument("--per-band", type=int, default=12, help="random positions per band")
    p.add_argument("--seed", type=int, default=0, help="seed of the random positions")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> None:
    from posenc_ref import precision

    rows = precision.accuracy_report(
        args.d_model, base=args.base, per_band=args.per_band, seed=args.seed
    )
    print(
        f"posenc_ref.sinusoidal, d_model {args.d_model}, base {args.base:g}, all pairs; "
        f"positions per band: 0..63 and 2**k - 1, 2**k, 2**k + 1 where they fall in it, plus "
        f"{args.per_band} random ones (seed {args.seed}); truth: mpmath at 200 bits\n"
    )
    print(precision.format_report(rows))
    print(
        "\nerror = |value - truth| / ulp(truth) in the row's dtype. Contract: float32 and "
        "float16 correctly rounded (<= 0.5 ulp), float64 faithful (< 1 ulp)."
    )
