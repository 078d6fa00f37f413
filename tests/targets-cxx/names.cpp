// SPDX-License-Identifier: GPL-2.0
/*
 * names [N]: C++ names for the resolver (tests/integration/cxx.sh), as
 * gdb's break and info functions read them: classes in nested
 * namespaces, overloads of add (int, const Item &, std::string and int),
 * a free add in another namespace, a member template, a class template
 * at two arguments, a destructor, members inlined into their callers, a
 * typedef'd parameter, const and non-const overloads, an operator and a
 * function in an anonymous namespace.  Cart::add(int) prints what it
 * was passed, for the recorded spec program to be compared with.
 */
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace market {

typedef long cents_t;

struct Item {
	std::string name;
	int qty;
};

namespace detail {

/* an add that is no member of Cart: "add" finds it too, "Cart::add" does not */
__attribute__((noinline)) int add(int a, int b)
{
	return a + b;
}

} // namespace detail

template <typename T>
class Box {
public:
	explicit Box(T v) : v_(v) {}
	__attribute__((noinline)) T get() const { return v_; }

private:
	T v_;
};

class Cart {
public:
	explicit Cart(const char *owner) : owner_(owner) {}
	~Cart();

	void add(int qty);
	void add(const Item &item);
	void add(std::string name, int qty);
	void credit(cents_t amount);

	template <typename T>
	__attribute__((noinline)) T scaled(T v) const
	{
		return v * static_cast<T>(count_);
	}

	/* inlined into its callers at -O2 (and out of line at -O0) */
	int count() const { return count_; }
	int &slot(int i) { return slots_[i & 3]; }
	const int &slot(int i) const { return slots_[i & 3]; }

	Cart &operator+=(int qty)
	{
		add(qty);
		return *this;
	}

private:
	std::string owner_;
	std::vector<Item> items_;
	int count_ = 0;
	long credit_ = 0;
	int slots_[4] = { 0 };
};

__attribute__((noinline)) Cart::~Cart()
{
	printf("~Cart %s %d\n", owner_.c_str(), count_);
}

__attribute__((noinline)) void Cart::add(int qty)
{
	printf("add(int) %d\n", qty);
	count_ += qty;
}

__attribute__((noinline)) void Cart::add(const Item &item)
{
	items_.push_back(item);
	count_ += item.qty;
}

__attribute__((noinline)) void Cart::add(std::string name, int qty)
{
	add(Item{ name, qty });
}

__attribute__((noinline)) void Cart::credit(cents_t amount)
{
	credit_ += amount;
	slot(count()) += static_cast<int>(amount);
}

} // namespace market

namespace {

__attribute__((noinline)) int tally(const market::Cart &c)
{
	return c.count() + c.slot(1);
}

} // namespace

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 3;
	market::Box<int> bi(7);
	market::Box<double> bd(2.5);

	for (int round = 0; round < n; round++) {
		market::Cart cart(round % 2 ? "alice" : "bob");

		cart.add(10 * round + 1);
		cart.add(market::Item{ "pear", round + 2 });
		cart.add(std::string("plum"), 3);
		cart += 5;
		cart.credit(100 + round);
		printf("count %d tally %d scaled %d %.1f box %d %.1f sum %d\n", cart.count(), tally(cart),
		       cart.scaled(2), cart.scaled(0.5), bi.get(), bd.get(),
		       market::detail::add(round, 1));
	}
	return 0;
}
