// SPDX-License-Identifier: MIT
#include "cli.h"

int cmd_record(int argc, char **argv)
{
	cli_err("not implemented yet");
	return 1;
}
