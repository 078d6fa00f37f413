#!/usr/bin/env python3
"""Checks samples of examples/target against what the target printed.

usage: orders_check.py OUTPUT [EVENT:EXPR]...
  OUTPUT: vtrace record's stdout with the target's

With EVENT:EXPR, the orders EVENT's samples name must be exactly those
for which the Python expression EXPR holds (over id, amount, quantity,
total as integers, customer and note as strings): what a --filter keeps.

The target prints "customers: A B C" and one "order id=I amount=A
quantity=Q total=T" per order i; order i's customer is customers[i % 3],
its note customers[(i + 1) % 3].  Every sample whose payload names an
order (by id, else by quantity, else the k-th sample of its event is
order k) must agree with it on each of id, amount, quantity, total (or
retval), customer and note it carries.  Prints one line per mismatch and
exits 1 if there is any, or if no sample could be checked.
"""
import re
import sys

lines = open(sys.argv[1], encoding="utf-8", errors="replace").read().splitlines()
customers = []
orders = []
samples = []
for line in lines:
    if line.startswith("customers: "):
        customers = line.split()[1:]
    m = re.match(r"order id=(\d+) amount=(-?\d+) quantity=(\d+) total=(-?\d+)$", line)
    if m:
        i = len(orders)
        orders.append({"id": m[1], "amount": m[2], "quantity": m[3], "total": m[4],
                       "retval": m[4]})
    m = re.match(r"^ *\S+ +\d+ \[\d+\] +[\d.]+: (\S+): (.*)$", line)
    if m:
        samples.append((m[1], dict(re.findall(r'(\w+)=("[^"]*"|\S+)', m[2]))))
for i, o in enumerate(orders):
    if customers:
        o["customer"] = '"%s"' % customers[i % 3]
        o["note"] = '"%s"' % customers[(i + 1) % 3]

bad = checked = 0
seen = {}
matched = {}
for event, kv in samples:
    k = seen.get(event, 0)
    seen[event] = k + 1
    order = None
    if "id" in kv:
        order = next((o for o in orders if o["id"] == kv["id"]), None)
    elif "quantity" in kv:
        order = next((o for o in orders if o["quantity"] == kv["quantity"]), None)
    elif k < len(orders):
        order = orders[k]
    if order is None:
        continue
    matched.setdefault(event, []).append(orders.index(order))
    for key, value in kv.items():
        if key in order:
            checked += 1
            if order[key] != value:
                bad += 1
                print("%s: %s=%s, the target printed %s" % (event, key, value, order[key]))
for spec in sys.argv[2:]:
    event, expr = spec.split(":", 1)
    want = []
    for i, o in enumerate(orders):
        env = {k: int(v) if re.match(r"-?\d+$", v) else v.strip('"') for k, v in o.items()}
        if eval(expr, {}, env):
            want.append(i)
    got = matched.get(event, [])
    checked += 1
    if got != want:
        bad += 1
        print("%s: recorded orders %s, where %s holds: %s" % (event, got, expr, want))
print("checked %d values of %d samples against %d orders" % (checked, len(samples), len(orders)))
sys.exit(1 if bad or not checked else 0)
