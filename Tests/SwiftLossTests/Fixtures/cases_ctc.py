"""CTC loss (ctc_loss): padded and concatenated targets, unbatched input, repeats, impossible
alignments with and without zero_infinity, blank != 0, zero lengths, unnormalised and non-finite
log_probs, and the errors PyTorch raises (plus the label checks swiftloss adds by contract)."""
import torch
import torch.nn.functional as F

from fixturelib import Case, idx, randint, randn, seed_of, t

NAN, INF = float("nan"), float("inf")
LOSS = "ctc_loss"
GRADS = ("log_probs",)


def call(blank=0, zero_infinity=False):
    def run(ts, r):
        return F.ctc_loss(ts["log_probs"], ts["targets"], ts["input_lengths"], ts["target_lengths"],
                          blank=blank, reduction=r, zero_infinity=zero_infinity)
    return run


def options(blank=0, zero_infinity=False):
    o = {}
    if blank != 0:
        o["blank"] = blank
    if zero_infinity:
        o["zero_infinity"] = True
    return o


def log_softmax(*shape, seed, scale=1.0):
    return (randn(*shape, seed=seed) * scale).log_softmax(-1)


def labels(n, s, classes, blank, seed):
    """Random labels in [0, classes) other than blank, shape (n, s)."""
    raw = randint(0, classes - 1, (n, s), seed=seed)
    return raw + (raw >= blank).long()


def case(name, lp, targets, il, tl, blank=0, zero_infinity=False, **kw):
    ts = {"log_probs": lp, "targets": targets, "input_lengths": il, "target_lengths": tl}
    return Case(f"ctc_{name}", LOSS, ts, call(blank, zero_infinity), options(blank, zero_infinity), GRADS, **kw)


def both_zero_infinity(name, lp, targets, il, tl, blank=0):
    return [case(name, lp, targets, il, tl, blank),
            case(f"{name}_zero_infinity", lp, targets, il, tl, blank, zero_infinity=True)]


def concatenate(padded, lengths):
    return torch.cat([padded[b, :int(lengths[b])] for b in range(padded.shape[0])])


def speech_example():
    """examples/ctc/log_probs.json: 12 frames, 2 utterances, 5 classes (blank 0), logits favouring
    one plausible alignment of each target (`_ 1 1 _ 3 3 _ _ 2 2 _ _` and `_ 4 4 _ _ 4 _ _ _ _`)."""
    alignments = [[0, 1, 1, 0, 3, 3, 0, 0, 2, 2, 0, 0], [0, 4, 4, 0, 0, 4, 0, 0, 0, 0, 0, 0]]
    logits = randn(12, 2, 5, seed=seed_of("example"))
    for b, alignment in enumerate(alignments):
        for frame, label in enumerate(alignment):
            logits[frame, b, label] += 3.0
    return logits.log_softmax(-1), idx([[1, 3, 2], [4, 4, 0]]), idx([12, 10]), idx([3, 2])


def write_speech_example(directory):
    """Writes the example's log_probs (JSON, nested (T, N, C)) and targets (padded, JSON)."""
    import json
    import os
    log_probs, targets, _, _ = speech_example()
    rows = ["  [" + ", ".join("[" + ", ".join(repr(v) for v in frame.tolist()) + "]" for frame in step) + "]"
            for step in log_probs]
    with open(os.path.join(directory, "log_probs.json"), "w") as f:
        f.write("[\n" + ",\n".join(rows) + "\n]\n")
    with open(os.path.join(directory, "targets.json"), "w") as f:
        f.write(json.dumps(targets.tolist()) + "\n")


def cases():
    out = []
    # --- Basic padded / concatenated, every reduction, blank variants.
    for blank, tag in ((0, ""), (4, "_blank_last"), (2, "_blank_mid")):
        for zi in (False, True):
            seed = seed_of("basic", blank)
            lp = log_softmax(7, 3, 5, seed=seed)
            tg = labels(3, 4, 5, blank, seed + 1)
            il, tl = idx([7, 6, 7]), idx([4, 2, 3])
            ztag = "_zero_infinity" if zi else ""
            out.append(case(f"padded{tag}{ztag}", lp, tg, il, tl, blank, zi))
            out.append(case(f"concatenated{tag}{ztag}", lp, concatenate(tg, tl), il, tl, blank, zi))
    # Padding beyond target_lengths is ignored, whatever it holds (blank, -1, out of range).
    lp = log_softmax(6, 2, 4, seed=21)
    out.append(case("padding_blank", lp, idx([[1, 2, 0, 0], [3, 0, 0, 0]]), idx([6, 5]), idx([2, 1])))
    out.append(case("padding_minus_one", lp, idx([[1, 2, -1, -1], [3, -1, -1, -1]]), idx([6, 5]), idx([2, 1])))
    out.append(case("padding_out_of_range", lp, idx([[1, 2, 9, 9], [3, 7, 9, 9]]), idx([6, 5]), idx([2, 1])))
    out.append(case("float_targets", lp, t([[1.0, 2.0, 0.0], [3.0, 0.0, 0.0]]), idx([6, 5]), idx([2, 1])))
    out.append(case("lengths_column", lp, idx([[1, 2], [3, 0]]), idx([[6], [5]]), idx([[2], [1]])))

    # --- Unbatched (T, C).
    lp = log_softmax(8, 5, seed=31)
    out.append(case("unbatched_1d_targets", lp, idx([1, 3, 3]), idx(8), idx(3)))
    out.append(case("unbatched_1d_lengths1", lp, idx([1, 3, 3]), idx([8]), idx([3])))
    out.append(case("unbatched_padded", lp, idx([[2, 4, 1, 0, 0]]), idx(7), idx(3)))
    out.append(case("unbatched_blank_last", lp, idx([[2, 0, 1, 3]]), idx([6]), idx([4]), blank=4))
    out.append(case("unbatched_impossible", lp, idx([1, 1, 1, 1, 1]), idx(8), idx(5)))
    out.append(case("unbatched_impossible_zero_infinity", lp, idx([1, 1, 1, 1, 1]), idx(8), idx(5),
                    zero_infinity=True))
    out.append(case("unbatched_empty_target", lp, idx([]), idx(8), idx(0)))

    # --- Repeated labels need a blank between them: T = L + repeats is the tightest fit.
    lp = log_softmax(6, 3, 4, seed=41)
    tg = idx([[1, 1, 2, 2], [3, 3, 3, 0], [1, 2, 1, 2]])
    out += both_zero_infinity("repeats_fit", lp, tg, idx([6, 5, 4]), idx([4, 3, 4]))
    out += both_zero_infinity("repeats_one_short", lp, tg, idx([5, 4, 3]), idx([4, 3, 4]))
    lp = log_softmax(4, 2, 3, seed=42)
    out += both_zero_infinity("target_longer_than_input", lp, idx([[1, 2, 1, 2, 1], [2, 2, 0, 0, 0]]),
                              idx([4, 2]), idx([5, 2]))

    # --- Zero lengths.
    lp = log_softmax(5, 4, 4, seed=51)
    tg = idx([[1, 2], [3, 0], [2, 2], [1, 0]])
    out += both_zero_infinity("input_length_zero", lp, tg, idx([0, 0, 5, 3]), idx([2, 0, 2, 1]))
    out += both_zero_infinity("target_length_zero", lp, tg, idx([5, 1, 4, 2]), idx([0, 0, 0, 0]))
    out.append(case("target_length_zero_concatenated", lp, idx([2, 3]), idx([5, 4, 3, 2]), idx([0, 1, 0, 1])))
    out.append(case("all_lengths_zero", lp, idx([]), idx([0, 0, 0, 0]), idx([0, 0, 0, 0])))

    # --- Lengths shorter than the padded sizes; a single frame; two classes.
    lp = log_softmax(9, 3, 6, seed=61)
    tg = labels(3, 6, 6, 0, 62)
    out.append(case("short_lengths", lp, tg, idx([5, 9, 3]), idx([2, 4, 1])))
    out.append(case("short_lengths_sum_target_lengths", lp, concatenate(tg, idx([2, 4, 1])), idx([5, 9, 3]),
                    idx([2, 4, 1])))
    lp = log_softmax(1, 3, 3, seed=63)
    out.append(case("single_frame", lp, idx([[1], [2], [1]]), idx([1, 1, 1]), idx([1, 0, 1])))
    lp = log_softmax(6, 2, 2, seed=64)
    out.append(case("two_classes", lp, idx([[1, 1, 1], [1, 0, 0]]), idx([6, 4]), idx([3, 1])))
    out.append(case("two_classes_blank_one", lp, idx([[0, 0, 0], [0, 1, 1]]), idx([6, 4]), idx([3, 1]),
                    blank=1))

    # --- Unnormalised log_probs: PyTorch's exp(log_probs) term is not a partial derivative.
    lp = randn(7, 2, 5, seed=71) * 2
    tg = labels(2, 3, 5, 0, 72)
    out.append(case("unnormalised", lp, tg, idx([7, 6]), idx([3, 2])))
    out.append(case("unnormalised_positive", lp.abs() + 0.5, tg, idx([7, 6]), idx([3, 2])))
    out.append(case("unnormalised_blank_last", lp, labels(2, 3, 5, 4, 73), idx([7, 5]), idx([3, 2]), blank=4))

    # --- Non-finite log_probs: log(0) = -inf entries, and NaN / +inf (spread through the lattice).
    probs = torch.softmax(randn(6, 2, 4, seed=81), -1)
    probs[1, 0, 2] = 0.0
    probs[3, 1, 0] = 0.0
    probs[0, 1, 1] = 0.0
    lp = probs.log()
    tg = idx([[1, 2, 3], [1, 3, 0]])
    out += both_zero_infinity("log_zero_probability", lp, tg, idx([6, 6]), idx([3, 2]))
    lp = log_softmax(6, 2, 4, seed=82)
    lp[:, 0, 2] = -INF  # label 2 can never be emitted: impossible for sample 0
    out += both_zero_infinity("label_never_emitted", lp, tg, idx([6, 6]), idx([3, 2]))
    lp = log_softmax(6, 2, 4, seed=83)
    lp[2, 0, 3] = NAN
    out.append(case("nan_log_prob", lp, tg, idx([6, 6]), idx([3, 2])))
    lp = log_softmax(6, 2, 4, seed=84)
    lp[4, 1, 0] = INF
    out.append(case("inf_log_prob", lp, tg, idx([6, 6]), idx([3, 2])))
    lp = log_softmax(6, 2, 4, seed=85)
    lp[5, 0, 1] = NAN  # beyond input_lengths[0]: unused
    lp[0, 1, 2] = NAN  # a class sample 1 never uses
    out.append(case("nan_unused", lp, tg, idx([5, 6]), idx([3, 2])))
    lp = log_softmax(6, 2, 4, seed=86)
    lp[0, 0, 3] = INF  # an unreachable state at t = 0 (label 3 is third): PyTorch's full lattice
    out.append(case("inf_unreachable_state", lp, tg, idx([6, 6]), idx([3, 2])))
    # A NaN reached from a state whose other predecessors are -inf: PyTorch's log-sum-exp takes the
    # -inf maximum as 0 and the NaN spreads ([1, 1], [1]); elsewhere it stays out of the path ([2, 1]).
    lp = torch.tensor([[-1.2, NAN, -1.3], [-1.0, -1.1, -1.2], [-0.7, -1.6, -1.1]], dtype=torch.float64).unsqueeze(1)
    for name, target in (("nan_beside_impossible_repeat", [1, 1]), ("nan_beside_impossible_single", [1]),
                         ("nan_off_path", [2, 1])):
        out.append(case(name, lp, idx([target]), idx([3]), idx([len(target)])))

    # --- Larger random cases (T=50, N=4, C=10), padded and concatenated, blank 0 / 9 / 5.
    for k, blank in enumerate((0, 9, 5, 0, 3)):
        seed = seed_of("random", k)
        g = torch.Generator().manual_seed(seed)
        lp = log_softmax(50, 4, 10, seed=seed, scale=3.0)
        il = torch.randint(30, 51, (4,), generator=g)
        tl = torch.randint(0, 21, (4,), generator=g)
        tg = labels(4, 20, 10, blank, seed + 7)
        if k % 2 == 0:
            out.append(case(f"random_{k}_padded", lp, tg, il, tl, blank))
        else:
            out.append(case(f"random_{k}_concatenated", lp, concatenate(tg, tl), il, tl, blank))
    # Repeats-heavy and tight: few classes, long targets relative to T.
    seed = seed_of("tight")
    lp = log_softmax(40, 3, 3, seed=seed, scale=2.0)
    tg = labels(3, 25, 3, 0, seed + 1)
    out += both_zero_infinity("random_tight", lp, tg, idx([40, 35, 30]), idx([22, 25, 14]))
    # A longer lattice where the reachable band matters at both ends.
    seed = seed_of("band")
    lp = log_softmax(120, 2, 20, seed=seed, scale=2.0)
    tg = labels(2, 50, 20, 0, seed + 1)
    out.append(case("long_band", lp, tg, idx([120, 97]), idx([50, 41])))
    out.append(case("long_band_exact_fit", lp, tg, idx([60, 55]), idx([50, 41])))

    # --- The speech-style example (examples/ctc): T=12, C=5, blank 0, two utterances.
    out.append(case("speech_example", *speech_example()))

    # --- Errors PyTorch raises: option values (usage) and tensor shapes / values (data).
    lp = log_softmax(5, 2, 4, seed=91)
    tg = idx([[1, 2, 3], [1, 1, 0]])
    il, tl = idx([5, 5]), idx([3, 2])
    out.append(case("blank_equals_classes", lp, tg, il, tl, blank=4, error="usage"))
    out.append(case("blank_negative", lp, tg, il, tl, blank=-1, error="usage"))
    out.append(case("input_length_too_long", lp, tg, idx([6, 5]), tl, error="data"))
    out.append(case("input_length_negative", lp, tg, idx([5, -1]), tl, error="data"))
    out.append(case("target_length_negative", lp, tg, il, idx([-1, 2]), error="data"))
    out.append(case("padded_too_narrow", lp, tg, il, idx([4, 2]), error="data"))
    out.append(case("padded_wrong_rows", lp, idx([[1, 2, 3], [1, 1, 0], [1, 1, 1]]), il, tl, error="data"))
    out.append(case("concatenated_wrong_total", lp, idx([1, 2, 3, 1]), il, tl, error="data"))
    out.append(case("input_lengths_count", lp, tg, idx([5]), tl, error="data"))
    out.append(case("target_lengths_count", lp, tg, il, idx([3, 2, 1]), error="data"))
    out.append(case("input_lengths_fractional", lp, tg, t([5.0, 4.5]), tl, error="data"))
    out.append(case("target_lengths_fractional", lp, tg, il, t([2.5, 2.0]), error="data"))
    out.append(case("log_probs_4d", lp.unsqueeze(0), tg, il, tl, error="data"))
    out.append(case("log_probs_1d", lp[:, 0, 0], tg, il, tl, error="data"))
    out.append(case("log_probs_0d", lp[0, 0, 0], tg, il, tl, error="data"))
    out.append(case("log_probs_empty", torch.zeros(0, 2, 4), tg, idx([0, 0]), idx([0, 0]), error="data"))
    out.append(case("targets_3d", lp, tg.unsqueeze(0), il, tl, error="data"))
    out.append(case("targets_0d", lp, idx(1), il, idx([1, 0]), error="data"))
    out.append(case("unbatched_two_lengths", lp[:, 0, :], idx([1, 2]), idx([5, 5]), idx([1, 1]), error="data"))
    out.append(case("unbatched_two_rows", lp[:, 0, :], idx([[1, 2], [1, 2]]), idx(5), idx(2), error="data"))
    # Checked by contract although PyTorch does not check them.
    out.append(case("label_equals_blank", lp, idx([[1, 0, 3], [1, 1, 0]]), il, tl, error="data",
                    torch_accepts="a label equal to blank is silently used as a label"))
    out.append(case("label_equals_blank_last", lp, idx([[1, 3, 2], [3, 1, 0]]), il, tl, blank=3, error="data",
                    torch_accepts="a label equal to blank is silently used as a label"))
    out.append(case("label_out_of_range", lp, idx([[1, 2, 4], [1, 1, 0]]), il, tl, error="data",
                    torch_accepts="labels >= C are read out of bounds"))
    out.append(case("label_negative", lp, idx([[1, 2, 3], [-1, 1, 0]]), il, tl, error="data",
                    torch_accepts="negative labels are read out of bounds"))
    out.append(case("label_fractional", lp, t([[1.0, 2.5, 3.0], [1.0, 1.0, 0.0]]), il, tl, error="data",
                    torch_accepts="float targets are truncated to int64"))
    return out


if __name__ == "__main__":
    # python cases_ctc.py examples/ctc  — rewrites the example inputs.
    import sys
    write_speech_example(sys.argv[1])
