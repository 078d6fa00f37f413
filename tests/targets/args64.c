// SPDX-License-Identifier: GPL-2.0
/*
 * args64 [N]: calls many(), a function of 64 parameters (six in registers,
 * the rest on the stack), N times; many() prints what it received, one
 * line per call, in the form a spec fetching every parameter prints it:
 *
 *   many a0=1000003 a1=-100004 ... s20="w0" ... v40=4000 ... v63=6300
 *
 * v40 and v63 are n40->next->v and n63->next->v: on call 1 n40->next is
 * NULL, on call 2 n63->next is, and the line says (fault) there.
 */
#include <stdio.h>
#include <stdlib.h>

struct node {
	struct node *next;
	long v;
};

__attribute__((noinline)) long many(long a0,
				    int a1,
				    short a2,
				    unsigned int a3,
				    unsigned short a4,
				    long a5,
				    int a6,
				    short a7,
				    unsigned int a8,
				    unsigned short a9,
				    long a10,
				    int a11,
				    short a12,
				    unsigned int a13,
				    unsigned short a14,
				    long a15,
				    int a16,
				    short a17,
				    unsigned int a18,
				    unsigned short a19,
				    const char *s20,
				    int a21,
				    short a22,
				    unsigned int a23,
				    unsigned short a24,
				    long a25,
				    int a26,
				    short a27,
				    unsigned int a28,
				    unsigned short a29,
				    long a30,
				    int a31,
				    short a32,
				    unsigned int a33,
				    unsigned short a34,
				    long a35,
				    int a36,
				    short a37,
				    unsigned int a38,
				    unsigned short a39,
				    const struct node *n40,
				    int a41,
				    short a42,
				    unsigned int a43,
				    unsigned short a44,
				    long a45,
				    int a46,
				    short a47,
				    unsigned int a48,
				    unsigned short a49,
				    long a50,
				    int a51,
				    short a52,
				    unsigned int a53,
				    unsigned short a54,
				    long a55,
				    int a56,
				    short a57,
				    unsigned int a58,
				    unsigned short a59,
				    long a60,
				    int a61,
				    short a62,
				    const struct node *n63)
{
	long sum = 0;

	/* one printf per parameter keeps every one of them live at the entry */
	printf("many");
	printf(" a0=%ld", (long)a0);
	sum += a0;
	printf(" a1=%ld", (long)a1);
	sum += a1;
	printf(" a2=%ld", (long)a2);
	sum += a2;
	printf(" a3=%lu", (unsigned long)a3);
	sum += a3;
	printf(" a4=%lu", (unsigned long)a4);
	sum += a4;
	printf(" a5=%ld", (long)a5);
	sum += a5;
	printf(" a6=%ld", (long)a6);
	sum += a6;
	printf(" a7=%ld", (long)a7);
	sum += a7;
	printf(" a8=%lu", (unsigned long)a8);
	sum += a8;
	printf(" a9=%lu", (unsigned long)a9);
	sum += a9;
	printf(" a10=%ld", (long)a10);
	sum += a10;
	printf(" a11=%ld", (long)a11);
	sum += a11;
	printf(" a12=%ld", (long)a12);
	sum += a12;
	printf(" a13=%lu", (unsigned long)a13);
	sum += a13;
	printf(" a14=%lu", (unsigned long)a14);
	sum += a14;
	printf(" a15=%ld", (long)a15);
	sum += a15;
	printf(" a16=%ld", (long)a16);
	sum += a16;
	printf(" a17=%ld", (long)a17);
	sum += a17;
	printf(" a18=%lu", (unsigned long)a18);
	sum += a18;
	printf(" a19=%lu", (unsigned long)a19);
	sum += a19;
	printf(" s20=\"%s\"", s20);
	printf(" a21=%ld", (long)a21);
	sum += a21;
	printf(" a22=%ld", (long)a22);
	sum += a22;
	printf(" a23=%lu", (unsigned long)a23);
	sum += a23;
	printf(" a24=%lu", (unsigned long)a24);
	sum += a24;
	printf(" a25=%ld", (long)a25);
	sum += a25;
	printf(" a26=%ld", (long)a26);
	sum += a26;
	printf(" a27=%ld", (long)a27);
	sum += a27;
	printf(" a28=%lu", (unsigned long)a28);
	sum += a28;
	printf(" a29=%lu", (unsigned long)a29);
	sum += a29;
	printf(" a30=%ld", (long)a30);
	sum += a30;
	printf(" a31=%ld", (long)a31);
	sum += a31;
	printf(" a32=%ld", (long)a32);
	sum += a32;
	printf(" a33=%lu", (unsigned long)a33);
	sum += a33;
	printf(" a34=%lu", (unsigned long)a34);
	sum += a34;
	printf(" a35=%ld", (long)a35);
	sum += a35;
	printf(" a36=%ld", (long)a36);
	sum += a36;
	printf(" a37=%ld", (long)a37);
	sum += a37;
	printf(" a38=%lu", (unsigned long)a38);
	sum += a38;
	printf(" a39=%lu", (unsigned long)a39);
	sum += a39;
	if (n40->next)
		printf(" v40=%ld", n40->next->v);
	else
		printf(" v40=(fault)");
	printf(" a41=%ld", (long)a41);
	sum += a41;
	printf(" a42=%ld", (long)a42);
	sum += a42;
	printf(" a43=%lu", (unsigned long)a43);
	sum += a43;
	printf(" a44=%lu", (unsigned long)a44);
	sum += a44;
	printf(" a45=%ld", (long)a45);
	sum += a45;
	printf(" a46=%ld", (long)a46);
	sum += a46;
	printf(" a47=%ld", (long)a47);
	sum += a47;
	printf(" a48=%lu", (unsigned long)a48);
	sum += a48;
	printf(" a49=%lu", (unsigned long)a49);
	sum += a49;
	printf(" a50=%ld", (long)a50);
	sum += a50;
	printf(" a51=%ld", (long)a51);
	sum += a51;
	printf(" a52=%ld", (long)a52);
	sum += a52;
	printf(" a53=%lu", (unsigned long)a53);
	sum += a53;
	printf(" a54=%lu", (unsigned long)a54);
	sum += a54;
	printf(" a55=%ld", (long)a55);
	sum += a55;
	printf(" a56=%ld", (long)a56);
	sum += a56;
	printf(" a57=%ld", (long)a57);
	sum += a57;
	printf(" a58=%lu", (unsigned long)a58);
	sum += a58;
	printf(" a59=%lu", (unsigned long)a59);
	sum += a59;
	printf(" a60=%ld", (long)a60);
	sum += a60;
	printf(" a61=%ld", (long)a61);
	sum += a61;
	printf(" a62=%ld", (long)a62);
	sum += a62;
	if (n63->next)
		printf(" v63=%ld", n63->next->v);
	else
		printf(" v63=(fault)");
	printf("\n");
	return sum;
}

/* Arg i of call k: distinct per arg and call, both signs, wider than 32 bits. */
static long val(int i, int k)
{
	long v = (long)i * 100003 + k * 7 + 1;

	if (i % 5 == 0)
		v *= 1000003;
	return i % 2 ? -v : v;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 4;
	long total = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int k = 0; k < n; k++) {
		struct node leaf40 = { NULL, 4000 + k }, leaf63 = { NULL, 6300 + k };
		struct node n40 = { k == 1 ? NULL : &leaf40, 0 }, n63 = { k == 2 ? NULL : &leaf63, 0 };
		char word[16];

		/* on the stack: a string in a page never touched yet cannot be read by a probe */
		snprintf(word, sizeof(word), "w%d", k);

		total += many((long)val(0, k),
			      (int)val(1, k),
			      (short)val(2, k),
			      (unsigned int)val(3, k),
			      (unsigned short)val(4, k),
			      (long)val(5, k),
			      (int)val(6, k),
			      (short)val(7, k),
			      (unsigned int)val(8, k),
			      (unsigned short)val(9, k),
			      (long)val(10, k),
			      (int)val(11, k),
			      (short)val(12, k),
			      (unsigned int)val(13, k),
			      (unsigned short)val(14, k),
			      (long)val(15, k),
			      (int)val(16, k),
			      (short)val(17, k),
			      (unsigned int)val(18, k),
			      (unsigned short)val(19, k),
			      word,
			      (int)val(21, k),
			      (short)val(22, k),
			      (unsigned int)val(23, k),
			      (unsigned short)val(24, k),
			      (long)val(25, k),
			      (int)val(26, k),
			      (short)val(27, k),
			      (unsigned int)val(28, k),
			      (unsigned short)val(29, k),
			      (long)val(30, k),
			      (int)val(31, k),
			      (short)val(32, k),
			      (unsigned int)val(33, k),
			      (unsigned short)val(34, k),
			      (long)val(35, k),
			      (int)val(36, k),
			      (short)val(37, k),
			      (unsigned int)val(38, k),
			      (unsigned short)val(39, k),
			      &n40,
			      (int)val(41, k),
			      (short)val(42, k),
			      (unsigned int)val(43, k),
			      (unsigned short)val(44, k),
			      (long)val(45, k),
			      (int)val(46, k),
			      (short)val(47, k),
			      (unsigned int)val(48, k),
			      (unsigned short)val(49, k),
			      (long)val(50, k),
			      (int)val(51, k),
			      (short)val(52, k),
			      (unsigned int)val(53, k),
			      (unsigned short)val(54, k),
			      (long)val(55, k),
			      (int)val(56, k),
			      (short)val(57, k),
			      (unsigned int)val(58, k),
			      (unsigned short)val(59, k),
			      (long)val(60, k),
			      (int)val(61, k),
			      (short)val(62, k),
			      &n63);
	}
	return total == 42;	/* never: keeps the calls alive */
}
