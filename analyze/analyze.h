/* SPDX-License-Identifier: MIT */
#ifndef SYSREC_ANALYZE_H
#define SYSREC_ANALYZE_H

int cmd_analyze_features(int argc, char **argv);
int cmd_analyze_train(int argc, char **argv);
int cmd_analyze_merge(int argc, char **argv);
int cmd_analyze_score(int argc, char **argv);
int cmd_analyze_eval(int argc, char **argv);
int cmd_analyze_report(int argc, char **argv);
int cmd_analyze_compare(int argc, char **argv);
int cmd_analyze_stats(int argc, char **argv);

#endif
