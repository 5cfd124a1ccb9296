# fish completion for tdk(1).
#
# Thin on purpose: the commands come from `tdk --list-commands` ("name<TAB>
# summary", which is fish's own candidate format) and each command's options
# from `tdk COMMAND --complete-options` ("SHORT LONG ARG CHOICES", "-" where
# there is none); the option descriptions are read from `tdk COMMAND --help`;
# the operands from `tdk --complete COMMAND WORD...` (the words that may
# follow those typed, e.g. dir's subcommands and installed releases).
# Nothing here needs changing when a command or an option is added.  The
# options are registered when fish first loads this file, from the tdk on PATH.

function __tdk_commands
    tdk --list-commands 2>/dev/null
    printf 'help\tshow the manual page of a command\n'
end

# True while no command has been typed yet.
function __tdk_needs_command
    set -l words (commandline -opc)
    test (count $words) -eq 1
end

# True when the command is $argv[1].
function __tdk_using
    set -l words (commandline -opc)
    test (count $words) -ge 2; and test "$words[2]" = "$argv[1]"
end

# The operands the binary offers for the command and the words typed so far.
function __tdk_operands
    set -l words (commandline -opc)
    tdk --complete $words[2..-1] 2>/dev/null
end

complete -c tdk -f
complete -c tdk -n __tdk_needs_command -xa '(__tdk_commands)'
complete -c tdk -n __tdk_needs_command -l help -d 'show the usage and the commands'
complete -c tdk -n __tdk_needs_command -l version -d 'show the version'
complete -c tdk -n __tdk_needs_command -l list-commands -d 'list the commands for completion'
complete -c tdk -n '__tdk_using help' -xa '(tdk --list-commands 2>/dev/null)'

if command -q tdk
    for __tdk_cmd in (tdk --list-commands 2>/dev/null | string replace -r '\t.*' '')
        set -l cond "__tdk_using $__tdk_cmd"
        set -l help (tdk $__tdk_cmd --help 2>/dev/null)
        # Operands are files, and the words the binary offers.
        complete -c tdk -n $cond -F
        complete -c tdk -n $cond -a '(__tdk_operands)'
        for line in (tdk $__tdk_cmd --complete-options 2>/dev/null)
            set -l f (string split ' ' -- $line)
            test (count $f) -eq 4; or continue
            set -l opt
            test "$f[1]" != -; and set opt $opt -s (string sub -s 2 -- $f[1])
            set opt $opt -l (string sub -s 3 -- $f[2])
            # The description is what follows the option and its argument in --help.
            set -l desc (string match -r -- "^ +(?:-[^ ], )?$f[2](?: [^ ]+)?  +(.*)\$" $help)[2]
            if test "$f[3]" = -
                complete -c tdk -n $cond $opt -d "$desc"
            else if test "$f[4]" != -
                # The option's description is the one registered last.
                for choice in (string split '|' -- $f[4])
                    complete -c tdk -n $cond $opt -x -a $choice
                end
                complete -c tdk -n $cond $opt -x -d "$desc"
            else if test "$f[3]" = file
                complete -c tdk -n $cond $opt -r -F -d "$desc"
            else if test "$f[3]" = dir
                complete -c tdk -n $cond $opt -r -a "(__fish_complete_directories)" -d "$desc"
            else
                complete -c tdk -n $cond $opt -x -d "$desc"
            end
        end
    end
    set -e __tdk_cmd
end
