# bash completion for tdk(1).
#
# Thin on purpose: the commands come from `tdk --list-commands`, each
# command's options from `tdk COMMAND --complete-options`, one line per
# option: "SHORT LONG ARG CHOICES" ("-" where there is none), and its
# operands from `tdk --complete COMMAND WORD...` (the words that may follow
# those typed, e.g. dir's subcommands and installed releases; files when it
# exits non-zero).  Nothing here needs changing when a command or an option
# is added.
#
# Works with or without the bash-completion package.

# The tdk being completed: the word typed, if it runs, else the one on PATH.
_tdk_bin()
{
	local t=${COMP_WORDS[0]}

	t=${t/#\~/$HOME}
	if [[ $t == */* && -x $t ]] || type -P -- "$t" >/dev/null 2>&1; then
		printf '%s\n' "$t"
	else
		printf 'tdk\n'
	fi
}

# Adds the words in $1 that start with $2 to COMPREPLY.
_tdk_words()
{
	local w
	local IFS=$' \t\n'

	for w in $1; do
		[[ $w == "$2"* ]] && COMPREPLY+=("$w")
	done
}

# Adds the files (and folders) that start with $1 to COMPREPLY.
_tdk_files()
{
	if declare -F _filedir >/dev/null 2>&1; then
		local cur=$1
		_filedir
		return
	fi
	local f
	local IFS=$'\n'

	compopt -o filenames 2>/dev/null
	for f in $(compgen -f -- "$1"); do
		COMPREPLY+=("$f")
	done
}

_tdk()
{
	local tdk cur prev cmd opt val i s l a c
	local -a shorts longs args choices

	COMPREPLY=()
	tdk=$(_tdk_bin)
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}

	# The first word: a command, or the options of tdk itself.
	if ((COMP_CWORD == 1)); then
		if [[ $cur == -* ]]; then
			_tdk_words "--help --version --list-commands" "$cur"
		else
			_tdk_words "$("$tdk" --list-commands 2>/dev/null | cut -f1) help" "$cur"
		fi
		return 0
	fi

	cmd=${COMP_WORDS[1]}
	case $cmd in
	help)
		((COMP_CWORD == 2)) &&
			_tdk_words "$("$tdk" --list-commands 2>/dev/null | cut -f1)" "$cur"
		return 0 ;;
	-*)
		return 0 ;;
	esac

	# The command's options.
	while read -r s l a c; do
		[[ $l == --* ]] || continue
		shorts+=("$s")
		longs+=("$l")
		args+=("$a")
		choices+=("$c")
	done < <("$tdk" "$cmd" --complete-options 2>/dev/null)

	# After "--" every word is an operand.
	for ((i = 2; i < COMP_CWORD; i++)); do
		if [[ ${COMP_WORDS[i]} == -- ]]; then
			_tdk_files "$cur"
			return 0
		fi
	done

	# "--opt=value": bash splits it at "=" (COMP_WORDBREAKS) or not.
	val=
	if [[ $cur == --*=* ]]; then
		opt=${cur%%=*}
		val=${cur#*=}
	elif [[ $cur == = ]]; then
		opt=$prev
	elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then
		opt=${COMP_WORDS[COMP_CWORD - 2]}
		val=$cur
	else
		opt=$prev
		val=$cur
	fi

	# The argument of an option: its choices, a file, or nothing to offer.
	for i in "${!longs[@]}"; do
		if [[ $opt == "${longs[i]}" || ($opt == "${shorts[i]}" && $opt != -) ]]; then
			[[ ${args[i]} == - ]] && break
			if [[ ${choices[i]} != - ]]; then
				_tdk_words "${choices[i]//|/ }" "$val"
				if [[ $cur == --*=* ]]; then
					COMPREPLY=("${COMPREPLY[@]/#/$opt=}")
				fi
			elif [[ ${args[i]} == file || ${args[i]} == dir ]]; then
				_tdk_files "$val"
			fi
			return 0
		fi
	done

	if [[ $cur == -* ]]; then
		for i in "${!longs[@]}"; do
			[[ ${shorts[i]} != - && $cur != --* ]] && _tdk_words "${shorts[i]}" "$cur"
			_tdk_words "${longs[i]}" "$cur"
		done
		return 0
	fi
	# An operand: the words the binary offers for the command, else files.
	if val=$("$tdk" --complete "$cmd" "${COMP_WORDS[@]:2:COMP_CWORD-2}" 2>/dev/null); then
		_tdk_words "$val" "$cur"
		return 0
	fi
	_tdk_files "$cur"
	return 0
}

complete -F _tdk tdk
