"""Full-ranking evaluation: HR@k, NDCG@k and catalog coverage.

Every item of the catalog is ranked for every evaluated user, except the items the
user has a training interaction with (history + validation item), which are left
out. The order is by score, highest first; equal scores are ordered by item index
(ascending), which makes the ranks and the top-k lists deterministic and consistent
with each other. A test item that the user already has in the training data is left
out like the others and so always counts as a miss (the count is reported).

    HR@k   = share of evaluated users whose test item has rank < k
    NDCG@k = mean over evaluated users of 1/log2(rank + 2) if rank < k, else 0
    coverage = share of catalog items in at least one user's top-k, k = the largest k
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import scipy.sparse as sp

ScoreFunction = Callable[[np.ndarray], np.ndarray]


@dataclass
class RankingResult:
    """Ranks of the test items and the union of the top-k lists."""

    ranks: np.ndarray
    covered_items: np.ndarray
    n_items: int
    max_k: int

    def hit_rate(self, k: int) -> float:
        return float(np.mean(self.ranks < k)) if len(self.ranks) else 0.0

    def ndcg(self, k: int) -> float:
        if not len(self.ranks):
            return 0.0
        gains = np.where(self.ranks < k, 1.0 / np.log2(self.ranks.astype(np.float64) + 2.0), 0.0)
        return float(np.mean(gains))

    def coverage(self) -> float:
        return float(self.covered_items.sum()) / self.n_items if self.n_items else 0.0


def _mask_seen(scores: np.ndarray, seen: sp.csr_matrix) -> None:
    """Sets the scores of the items each user already has to -inf, in place."""
    rows, cols = seen.nonzero()
    scores[rows, cols] = -np.inf


def _ranks(scores: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """0-based rank of each row's target under (score desc, item index asc).

    A target whose score is -inf (left out of the ranking) gets rank n_items.
    """
    n_rows, n_items = scores.shape
    target_scores = scores[np.arange(n_rows), targets][:, None]
    higher = (scores > target_scores).sum(axis=1)
    earlier_ties = ((scores == target_scores) & (np.arange(n_items)[None, :] < targets[:, None])).sum(axis=1)
    ranks = higher + earlier_ties
    ranks[np.isneginf(target_scores[:, 0])] = n_items
    return ranks


def _top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k best items of each row under (score desc, item index asc).

    argpartition finds the k-th best score; only rows where that score is tied
    across the top-k boundary are redone item by item, picking the lowest indices.
    """
    n_rows, n_items = scores.shape
    k = min(k, n_items)
    top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    kth_scores = scores[np.arange(n_rows)[:, None], top].min(axis=1)
    straddling = np.flatnonzero((scores >= kth_scores[:, None]).sum(axis=1) > k)
    for row in straddling:
        above = np.flatnonzero(scores[row] > kth_scores[row])
        tied = np.flatnonzero(scores[row] == kth_scores[row])[: k - len(above)]
        top[row] = np.concatenate([above, tied])
    return top


def evaluate(
    score: ScoreFunction,
    users: np.ndarray,
    targets: np.ndarray,
    seen: sp.csr_matrix,
    max_k: int,
    batch_size: int = 1024,
) -> RankingResult:
    """Ranks every item for every user in batches and collects test ranks and top-k.

    ``score(users)`` returns a dense (len(users) × n_items) array of scores.
    """
    n_items = seen.shape[1]
    ranks = np.empty(len(users), dtype=np.int64)
    covered = np.zeros(n_items, dtype=bool)
    for start in range(0, len(users), batch_size):
        batch = users[start : start + batch_size]
        batch_targets = targets[start : start + batch_size]
        seen_batch = seen[batch]
        scores = np.asarray(score(batch), dtype=np.float64)
        _mask_seen(scores, seen_batch)
        ranks[start : start + len(batch)] = _ranks(scores, batch_targets)
        top = _top_k(scores, max_k)
        covered[top[np.isfinite(scores[np.arange(len(batch))[:, None], top])]] = True
    return RankingResult(ranks=ranks, covered_items=covered, n_items=n_items, max_k=max_k)
