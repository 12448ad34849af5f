// SPDX-License-Identifier: MIT
#include "cli.h"
#include "analyze.h"
int cmd_analyze_eval(int argc, char **argv)
{
	cli_err("not implemented yet");
	return 1;
}
