// SPDX-License-Identifier: GPL-2.0
/*
 * shop [N]: a small C++ program for the realcode comparison
 * (tests/integration/realcode.sh): classes with members and methods, a
 * class hierarchy with virtual calls, references (const Item &, int &,
 * std::string &&), overloads, operators, std::string and std::vector, an
 * enum class and a namespace.  It fills a cart N times and prints totals.
 */
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

namespace shop {

enum class Kind : unsigned char { Food = 1, Tool = 2, Book = 3 };

struct Stamp {
	unsigned day : 5, month : 4;
	short year;
};

class Item {
public:
	Item(std::string name, int qty, double price, Kind kind)
		: name_(std::move(name)), qty_(qty), price_(price), kind_(kind)
	{
		stamp_.day = 1 + qty % 28;
		stamp_.month = 1 + qty % 12;
		stamp_.year = 2024;
	}

	const std::string &name() const { return name_; }
	int qty() const { return qty_; }
	Kind kind() const { return kind_; }
	__attribute__((noinline)) double total() const
	{
		double t = qty_ * price_;

		return kind_ == Kind::Book ? t * 0.9 : t;
	}
	__attribute__((noinline)) void restock(int &out, int more)
	{
		qty_ += more;
		out = qty_;
	}
	Item &operator+=(int more)
	{
		qty_ += more;
		return *this;
	}

	static int made;

private:
	std::string name_;
	int qty_;
	double price_;
	Kind kind_;
	Stamp stamp_;
};

int Item::made = 0;

class Discount {
public:
	explicit Discount(const char *label) : label_(label) {}
	virtual ~Discount() = default;
	virtual double apply(double amount) const = 0;
	const char *label() const { return label_; }

private:
	const char *label_;
};

class Percent : public Discount {
public:
	Percent(const char *label, int pct) : Discount(label), pct_(pct) {}
	__attribute__((noinline)) double apply(double amount) const override
	{
		double off = amount * pct_ / 100.0;

		return amount - off;
	}

private:
	int pct_;
};

class Flat : public Discount {
public:
	Flat(const char *label, long cents) : Discount(label), cents_(cents) {}
	__attribute__((noinline)) double apply(double amount) const override
	{
		double off = cents_ / 100.0;

		return amount > off ? amount - off : 0;
	}

private:
	long cents_;
};

class Cart {
public:
	explicit Cart(std::string owner) : owner_(std::move(owner)) {}

	/* three overloads of add */
	__attribute__((noinline)) void add(const Item &item)
	{
		items_.push_back(item);
		Item::made++;
	}
	__attribute__((noinline)) void add(const std::string &name, int qty, double price)
	{
		Kind kind = name.size() > 5 ? Kind::Tool : Kind::Food;

		add(Item(name, qty, price, kind));
	}
	__attribute__((noinline)) void add(std::string &&name, int qty)
	{
		std::string title = "book: " + name;

		add(Item(std::move(title), qty, 12.5, Kind::Book));
	}

	__attribute__((noinline)) int count(const std::string &name) const
	{
		int n = 0;

		for (const Item &it : items_)
			if (it.name() == name)
				n += it.qty();
		return n;
	}
	__attribute__((noinline)) double sum(const Discount &d) const
	{
		double total = 0;
		size_t i = 0;

		for (; i < items_.size(); i++)
			total += items_[i].total();
		return d.apply(total);
	}
	__attribute__((noinline)) bool find(const std::string &name, const Item *&found) const
	{
		for (const Item &it : items_) {
			if (it.name() == name) {
				found = &it;
				return true;
			}
		}
		found = nullptr;
		return false;
	}
	size_t size() const { return items_.size(); }
	const std::string &owner() const { return owner_; }

private:
	std::string owner_;
	std::vector<Item> items_;
};

__attribute__((noinline)) std::string describe(const Item &it, char sep)
{
	std::string s = it.name();

	s += sep;
	s += std::to_string(it.qty());
	return s;
}

__attribute__((noinline)) std::string describe(const Cart &cart)
{
	return cart.owner() + " has " + std::to_string(cart.size()) + " items";
}

} // namespace shop

static void round_trip(int round)
{
	using namespace shop;
	Cart cart(round % 2 ? "alice" : "bob");
	Percent ten("ten percent", 10);
	Flat two("two off", 200);
	const Discount *disc[] = { &ten, &two };
	const Item *found = nullptr;
	int stock = 0;

	cart.add(Item("hammer", 1 + round, 9.99, Kind::Tool));
	cart.add(std::string("apple"), 3 * (round + 1), 0.5);
	cart.add(std::string("a very long tool name"), 2, 31.0);
	cart.add(std::string("Dune"), 1);
	Item spare("nails", 100, 0.02, Kind::Tool);
	spare += 50;
	spare.restock(stock, round);
	cart.add(spare);
	if (cart.find("apple", found))
		printf("found %s x%d total %.2f\n", found->name().c_str(), found->qty(), found->total());
	printf("%s; apples %d; %s\n", describe(cart).c_str(), cart.count("apple"),
	       describe(spare, ':').c_str());
	for (const Discount *d : disc)
		printf("%s: %.2f\n", d->label(), cart.sum(*d));
	printf("stock %d made %d\n", stock, Item::made);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 3;

	for (int round = 0; round < n; round++)
		round_trip(round);
	return 0;
}
