#!/usr/bin/env python3
"""Adds COUNT distinct memories to a running server: load-seed.py PORT KEY COUNT."""
import http.client
import json
import random
import sys
import threading
import time

WORDS = ("river mountain coffee tea deploy script database staging kiwi orchid garden bicycle train "
         "meeting budget invoice python swift kernel vector search ledger memory agent client paris lyon "
         "berlin tokyo allergy peanut vegan chess guitar piano novel poetry sailing hiking camera").split()


def vocabulary(size=5000):
    """Pronounceable pseudo-words, so term frequencies look like prose rather than a 40-word list."""
    rng = random.Random(7)
    consonants, vowels = "bcdfghjklmnprstvz", "aeiou"
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(rng.randint(2, 4))))
    return WORDS + sorted(words)


VOCABULARY = vocabulary()
# Zipf-like weights: the k-th word is drawn with probability proportional to 1/k.
WEIGHTS = [1 / (k + 1) for k in range(len(VOCABULARY))]


def sentence(rng, i):
    return f"note {i}: " + " ".join(rng.choices(VOCABULARY, WEIGHTS, k=rng.randint(8, 20)))


def main():
    port, key, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    errors = []
    def worker(start, step):
        rng = random.Random(start)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for i in range(start, count, step):
            body = json.dumps({"content": sentence(rng, i), "agent_id": f"agent-{i % 4}"})
            conn.request("POST", "/api/v1/memories", body, {"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
            r = conn.getresponse()
            r.read()
            if r.status not in (200, 201):
                errors.append(r.status)
    t0 = time.time()
    threads = [threading.Thread(target=worker, args=(k, 16)) for k in range(16)]
    for t in threads: t.start()
    for t in threads: t.join()
    print(json.dumps({"seeded": count, "seconds": round(time.time() - t0, 1), "errors": len(errors)}), file=sys.stderr)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
