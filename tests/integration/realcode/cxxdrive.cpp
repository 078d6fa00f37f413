// SPDX-License-Identifier: GPL-2.0
/*
 * cxxdrive N: runs Debian's libstdc++ (the debug build libstdc++6-12-dbg
 * installs in /usr/lib/x86_64-linux-gnu/debug, loaded through
 * its run path) through its out-of-line code N times, for the gdb
 * comparison of realcode.sh and the recordings of libstdcxx.sh: strings
 * (basic_string<char> is instantiated in the library), string streams and
 * number formatting (num_put, ios_base, locale facets), exceptions
 * (__cxa_throw, the personality routine), dynamic_cast through a class
 * hierarchy (__dynamic_cast), std::hash (_Hash_bytes), chrono and
 * random_device.  Prints the values it passed, one "NAME VALUE" a line.
 * Built at -O0 so that every call goes to the library.
 */
#include <chrono>
#include <cstdio>
#include <functional>
#include <iomanip>
#include <locale>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>

namespace drive {

struct Shape {
	virtual ~Shape() {}
	virtual long area() const = 0;
};

struct Rect : Shape {
	long w, h;
	Rect(long w_, long h_) : w(w_), h(h_) {}
	long area() const override { return w * h; }
};

struct Square : Rect {
	explicit Square(long s) : Rect(s, s) {}
};

static long checked(long v, long limit)
{
	if (v > limit)
		throw std::out_of_range("value " + std::to_string(v) + " over the limit");
	return v;
}

} // namespace drive

int main(int argc, char **argv)
{
	int n = argc > 1 ? std::atoi(argv[1]) : 1;

	for (int i = 0; i < n; i++) {
		// strings: construction, append, replace, find, compare, substr
		std::string s("libstdc++ drive");
		s.append(" round ");
		s += std::to_string(i);
		s.replace(0, 9, "LIBSTDCXX");
		std::string t = s.substr(10, 5);
		std::size_t at = s.find("round");
		int cmp = s.compare(t);
		s.reserve(100 + i);
		std::printf("string %s\nsubstr %s\nfind %zu\ncompare %d\nsize %zu\n", s.c_str(), t.c_str(),
			    at, cmp > 0 ? 1 : cmp < 0 ? -1 : 0, s.size());

		// number formatting through the stream, its locale's facets
		std::ostringstream os;
		os << 12345 + i << ' ' << std::hex << 48879 << ' ' << std::dec << std::setw(8) << std::setfill('*')
		   << -42L << ' ' << std::fixed << std::setprecision(3) << 3.25 + i;
		std::printf("stream %s\n", os.str().c_str());
		std::istringstream is("271 828");
		long a = 0, b = 0;
		is >> a >> b;
		std::printf("parsed %ld %ld\n", a, b);
		const std::ctype<char> &ct = std::use_facet<std::ctype<char>>(std::locale::classic());
		std::string up("Upper Case");
		ct.toupper(&up[0], &up[0] + up.size());
		std::printf("toupper %s\n", up.c_str());

		// exceptions: thrown in the library and here, caught here
		try {
			drive::checked(1000 + i, 999);
		} catch (const std::out_of_range &e) {
			std::printf("caught %s\n", e.what());
		}
		try {
			(void)s.at(1000 + i);
		} catch (const std::exception &e) {
			std::printf("at_throws 1\n");
		}

		// dynamic_cast through the hierarchy
		drive::Square sq(7 + i);
		drive::Shape *sh = &sq;
		drive::Rect *r = dynamic_cast<drive::Rect *>(sh);
		std::printf("area %ld\n", r ? r->area() : -1L);

		// std::hash of a string: _Hash_bytes
		std::size_t h = std::hash<std::string>()(t);
		std::printf("hash %zu\n", h);

		// chrono and random_device
		auto now = std::chrono::system_clock::now();
		std::printf("clock %d\n", now.time_since_epoch().count() > 0);
		std::random_device rd("default");
		std::printf("random %d\n", rd.entropy() >= 0.0);
	}
	return 0;
}
