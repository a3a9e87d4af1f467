"""`make bench`'s picture (scripts/bench.py): 4 KiB random-read IOPS against
queue depth per QEMU back end, this kernel next to the ceiling
(../shared/limit-probe) and U-Boot, drawn with python3-matplotlib."""


def draw(ceil, uboot, meta, path, backends, qds, title_of):
    """IOPS against queue depth, one panel per back end: this kernel, the
    ceiling (the band spans the two probe boots) and U-Boot (QD 1 only).
    backends: their order; qds: the depths on the x axis; title_of(backend):
    a panel's title.  Returns why not, or None."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "no picture: python3-matplotlib is not installed (scripts/setup.sh installs it)"
    backends = [b for b in backends if any(r["backend"] == b for r in ceil)]
    if not backends:
        return "no picture: no back end has both kernel and ceiling figures"
    fig, axes = plt.subplots(1, len(backends), figsize=(4.4 * len(backends), 4.0), squeeze=False)
    ub4 = uboot["4KiB_net_iops"] if uboot else None
    for ax, backend in zip(axes[0], backends):
        rows = [r for r in ceil if r["backend"] == backend]
        qds = [r["qd"] for r in rows]
        ax.fill_between(qds, [min(r["probe_runs"]) for r in rows],
                        [max(r["probe_runs"]) for r in rows], color="tab:orange", alpha=0.25,
                        linewidth=0)
        ax.plot(qds, [r["ceiling"] for r in rows], "o--", color="tab:orange",
                label="ceiling (limit-probe)")
        ax.plot(qds, [r["kernel"] for r in rows], "o-", color="tab:blue", label="this kernel")
        for r in rows:
            ax.annotate(f"{r['ratio']:.2f}", (r["qd"], r["kernel"]), textcoords="offset points",
                        xytext=(0, 7), ha="center", fontsize=8, color="tab:blue")
        if ub4 and backend != "null-co":
            ax.plot([1], [ub4], "s", color="tab:green", label="U-Boot (QD 1 only)")
        ax.set_xscale("log", base=2)
        ax.set_xticks(list(qds))
        ax.set_xticklabels([str(q) for q in qds])
        ax.set_title(title_of(backend))
        ax.set_xlabel("queue depth")
        ax.grid(True, alpha=0.3)
        ax.set_ylim(bottom=0)
    axes[0][0].set_ylabel("4 KiB random reads, IOPS")
    for ax in axes[0]:
        ax.legend(loc="upper left", fontsize=7)
    fig.suptitle(f"make bench {meta['date']}: QEMU {meta['qemu'].split()[0]}, -smp 1, "
                 f"{meta['nproc']} host CPUs (numbers: kernel / ceiling)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return None
