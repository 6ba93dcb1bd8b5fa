# bash completion for clusterproc                          -*- shell-script -*-
# Installed to share/bash-completion/completions/clusterproc; or source it.

_clusterproc() {
  local cur=${COMP_WORDS[COMP_CWORD]}
  local prev=
  ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
  # "--format=csv": bash splits at '=' (COMP_WORDBREAKS); see through it.
  if [[ $cur == "=" ]]; then
    cur=
  elif [[ $prev == "=" ]] && ((COMP_CWORD > 1)); then
    prev=${COMP_WORDS[COMP_CWORD - 2]}
  fi

  local options="--help --version --explode --where --select --exclude --count --group-by --agg --exec
    --unordered --sort --limit --format --output --jobs --chunk-size --max-record
    --flush-after --retries --max-errors --bad-records --progress --no-progress --stats --stats-json
    --partial --shard --checkpoint --mpi -h -V -f -o -j"
  if ((COMP_CWORD == 1)) && [[ merge == "$cur"* && -n $cur ]]; then
    COMPREPLY=(merge)
    return
  fi

  case $prev in
    -f | --format)
      COMPREPLY=($(compgen -W "jsonl json csv tsv table" -- "$cur"))
      return
      ;;
    -o | --output | --bad-records | --stats-json | --partial)
      compopt -o filenames 2> /dev/null
      COMPREPLY=($(compgen -f -- "$cur"))
      return
      ;;
    -j | --jobs)
      COMPREPLY=($(compgen -W "1 2 4 8 16 $(nproc 2> /dev/null)" -- "$cur"))
      return
      ;;
    --chunk-size | --max-record)
      COMPREPLY=($(compgen -W "64K 256K 1M 4M 16M 64M" -- "$cur"))
      return
      ;;
    --flush-after)
      COMPREPLY=($(compgen -W "0 50ms 100ms 1s" -- "$cur"))
      return
      ;;
    --checkpoint)
      compopt -o filenames 2> /dev/null
      COMPREPLY=($(compgen -d -- "$cur"))
      return
      ;;
    --explode | --where | --select | --exclude | --group-by | --agg | --sort | --exec | --limit | --retries | --max-errors | --shard)
      # An expression, a list, a command or a number: nothing to offer.
      COMPREPLY=()
      return
      ;;
  esac

  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$options" -- "$cur"))
    # An option that takes a value reads it after '=' or as the next word.
    return
  fi
  compopt -o filenames 2> /dev/null
  COMPREPLY=($(compgen -f -- "$cur"))
}

complete -F _clusterproc clusterproc
