# bash completion for vtrace: subcommands, each subcommand's options (read
# from its --help, so they follow the binary), files where a file goes,
# and the functions of -x BIN (through vtrace probe --funcs) where a spec
# or a function goes.  Installed by make install into
# $(PREFIX)/share/bash-completion/completions/vtrace.

# _vtrace_funcs BIN PREFIX: the functions of BIN that start with PREFIX
_vtrace_funcs()
{
	"${COMP_WORDS[0]}" probe --funcs -x "$1" "$2*" 2>/dev/null
}

_vtrace()
{
	local cur prev cmd bin i opts
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}

	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "record script list probe help -h --help -V --version" -- "$cur"))
		return 0
	fi
	cmd=${COMP_WORDS[1]}
	# the -x BIN in effect: the last one before the cursor
	bin=
	for ((i = 2; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-x|--exec) bin=${COMP_WORDS[i+1]} ;;
		--exec=*) bin=${COMP_WORDS[i]#--exec=} ;;
		--)
			# record's COMMAND: a command, then its own args (files)
			if [ "$cmd" = record ]; then
				if [ $i -eq $((COMP_CWORD - 1)) ]; then
					COMPREPLY=($(compgen -c -- "$cur"))
				else
					COMPREPLY=($(compgen -f -- "$cur"))
				fi
				return 0
			fi
			;;
		esac
	done
	case $cmd in
	help)
		COMPREPLY=($(compgen -W "record script list probe" -- "$cur"))
		return 0
		;;
	record|script|list|probe) ;;
	*) return 0 ;;
	esac

	case $prev in
	-x|--exec|-o|--output|-i|--input)
		COMPREPLY=($(compgen -f -- "$cur"))
		return 0
		;;
	-p|--pid)
		COMPREPLY=($(compgen -W "$(ls /proc | grep '^[0-9]')" -- "$cur"))
		return 0
		;;
	-F|--fields)
		local pre=${cur%"${cur##*,}"}
		COMPREPLY=($(compgen -P "$pre" -W "comm pid tid cpu time event args" -- "${cur##*,}"))
		compopt -o nospace 2>/dev/null
		return 0
		;;
	-e|--event)
		# [EVENT=]FUNC with -x BIN: FUNC from the binary; else files
		if [ -n "$bin" ] && [[ $cur == *=* ]] && [[ $cur != */* ]]; then
			local head=${cur%%=*}=
			COMPREPLY=($(compgen -P "$head" -W "$(_vtrace_funcs "$bin" "${cur#*=}")" -- "${cur#*=}"))
			return 0
		fi
		if [ -n "$bin" ] && [[ $cur != */* ]]; then
			COMPREPLY=($(compgen -W "$(_vtrace_funcs "$bin" "$cur")" -- "$cur") $(compgen -f -- "$cur"))
			return 0
		fi
		COMPREPLY=($(compgen -f -- "$cur"))
		return 0
		;;
	--lines|--vars)
		[ -n "$bin" ] && COMPREPLY=($(compgen -W "$(_vtrace_funcs "$bin" "$cur")" -- "$cur"))
		return 0
		;;
	esac
	if [[ $cur == -* ]]; then
		opts=$("${COMP_WORDS[0]}" "$cmd" --help 2>/dev/null |
			grep -oE '(^|[ ,])-(-[a-z][a-z-]*|[a-zA-Z?])' | sed 's/^[ ,]*//' | sort -u)
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		return 0
	fi
	case $cmd in
	probe)
		# probe --funcs -x BIN GLOB: the functions
		[ -n "$bin" ] && COMPREPLY=($(compgen -W "$(_vtrace_funcs "$bin" "$cur")" -- "$cur"))
		;;
	list)
		;;
	esac
	return 0
}
complete -F _vtrace vtrace
