import numpy as np, report_sample as rs
from profmon.municipalities import MUNICIPALITIES
def big(seed=1):
    rng = np.random.default_rng(seed)
    rows = []
    n = 0
    for m in MUNICIPALITIES:
        for k in range(int(rng.integers(5, 30))):
            n += 1
            t = "лицей" if rng.random() < 0.08 else "общеобразовательная"
            rows.append(rs.school(f"{m[:3]}{n}", m, school_type=t, per_grade=int(rng.integers(3, 90)),
                ovz_share=float(rng.uniform(0.0, 0.2)), events_1_11=float(rng.uniform(0.7, 1.0)),
                trials_6_9=float(rng.uniform(0.2, 0.7)), poo_ovz_9=0.0, poo_ovz_11=0.0))
    return rows
