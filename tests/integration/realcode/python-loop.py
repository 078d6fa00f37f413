# Run by python3.11 -S under gdb (tests/integration/realcode.sh): dicts,
# lists, strings, floats, tuples, classes, generators and exceptions, so the
# interpreter's C API functions run at the probe points of python.points.
class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y

    def norm(self):
        return (self.x * self.x + self.y * self.y) ** 0.5


def squares(n):
    for i in range(n):
        yield i * i


d = {}
l = []
pts = []
for i in range(300):
    k = "k%d" % i
    d[k] = i * 1.5
    l.append((i * 7919) % 101)
    s = str(i) + "x" * (i % 5)
    t = (i, s, float(i))
    pts.append(Point(i, -i))
    try:
        if i % 50 == 0:
            raise ValueError(s)
    except ValueError as e:
        d["err"] = str(e)
l.sort()
total = sum(squares(100)) + sum(p.norm() for p in pts[:10])
print(sum(l), len(d), max(v for v in d.values() if isinstance(v, float)),
      " ".join(sorted(d)[:3]), "%.3f" % total, "-".join(map(str, t)))
