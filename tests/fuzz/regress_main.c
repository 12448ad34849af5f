// SPDX-License-Identifier: MIT
/*
 * Plain main() for the fuzz targets: runs LLVMFuzzerTestOneInput over every
 * file of the directory given as argv[1] (the kept corpus and past crashers)
 * and prints TAP. Built with ASan/UBSan by `make test`, so a regression
 * aborts here.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	DIR *d;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int t = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 2 || !(d = opendir(argv[1]))) {
		printf("not ok 1 - corpus directory %s\n1..1\n", argc > 1 ? argv[1] : "(none)");
		return 1;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.') {
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			names = realloc(names, cap * sizeof(*names));
		}
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp);
	for (size_t i = 0; i < n; i++) {
		char path[4096];
		FILE *f;
		long len;
		uint8_t *buf;

		snprintf(path, sizeof(path), "%s/%s", argv[1], names[i]);
		f = fopen(path, "rb");
		if (!f) {
			printf("not ok %d - cannot read %s\n", ++t, path);
			continue;
		}
		fseek(f, 0, SEEK_END);
		len = ftell(f);
		fseek(f, 0, SEEK_SET);
		buf = malloc(len ? len : 1);
		if (fread(buf, 1, len, f) != (size_t)len) {
			len = 0;
		}
		fclose(f);
		LLVMFuzzerTestOneInput(buf, len);
		free(buf);
		printf("ok %d - %s\n", ++t, names[i]);
		free(names[i]);
	}
	free(names);
	printf("ok %d - replayed %zu inputs from %s\n1..%d\n", t + 1, n, argv[1], t + 1);
	return 0;
}
