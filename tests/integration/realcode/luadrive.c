// SPDX-License-Identifier: GPL-2.0
/*
 * luadrive SCRIPT: runs a Lua script with Debian's liblua5.4 (a shared
 * library, unlike the lua5.4 command, which links it statically), for the
 * gdb comparison of realcode.sh.
 */
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

int main(int argc, char **argv)
{
	lua_State *L;
	int rc;

	if (argc < 2)
		return 2;
	L = luaL_newstate();
	luaL_openlibs(L);
	rc = luaL_dofile(L, argv[1]);
	lua_close(L);
	return rc;
}
