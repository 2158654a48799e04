#!/bin/sh
# embed.sh NAME FILE: print a C file defining `const char NAME[]` holding
# FILE's text, so a driver's default configuration lives in data/ yet ships
# inside the binary.
set -e
name=$1
file=$2
printf '/* generated from %s by drivers/common/embed.sh: do not edit */\n' "${file##*/}"
printf 'extern const char %s[];\nconst char %s[] =\n' "$name" "$name"
sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/    "/' -e 's/$/\\n"/' "$file"
printf '    "";\n'
