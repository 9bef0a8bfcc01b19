# bash completion for nymvisor(1)

_nymvisor() {
  local cur prev cmd i
  COMPREPLY=()
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=${COMP_WORDS[COMP_CWORD - 1]}
  local commands="init add-upgrade config build-info daemon-build-info exec run status history
    check apply-now hold resume skip rollback release-node refresh-access fleet help"

  for ((i = 1; i < COMP_CWORD; i++)); do
    case ${COMP_WORDS[i]} in
      init | add-upgrade | config | build-info | daemon-build-info | exec | run | status | \
        history | check | apply-now | hold | resume | skip | rollback | release-node | \
        refresh-access | fleet)
        cmd=${COMP_WORDS[i]}
        break
        ;;
    esac
  done

  case $prev in
    -c | --config-env-file | --upgrade-data-directory | --daemon-home | --daemon-backup-data-directory | \
      --metrics-textfile | --fleet-ca-file | --fleet-cert-file | --fleet-key-file)
      COMPREPLY=($(compgen -f -- "$cur"))
      return
      ;;
    --fleet-on-unreachable)
      COMPREPLY=($(compgen -W "wait proceed" -- "$cur"))
      return
      ;;
    --id)
      COMPREPLY=($(compgen -W "$(ls /etc/nymvisor 2>/dev/null | sed -n 's/\.toml$//p')" -- "$cur"))
      return
      ;;
    -o | --output)
      COMPREPLY=($(compgen -W "text json" -- "$cur"))
      return
      ;;
    --allow-download-upgrade-binaries | --enforce-download-checksum | --restart-daemon-after-upgrade | \
      --restart-daemon-on-failure)
      COMPREPLY=($(compgen -W "true false" -- "$cur"))
      return
      ;;
    --upstream-source)
      COMPREPLY=($(compgen -W "upgrade-info github" -- "$cur"))
      return
      ;;
  esac

  case $cmd in
    "")
      COMPREPLY=($(compgen -W "$commands -c --config-env-file --id -h --help -V --version" -- "$cur"))
      ;;
    init)
      if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "--id --upstream-base-upgrade-url --upstream-polling-rate
          --disable-nymvisor-logs --upgrade-data-directory --daemon-home
          --daemon-absolute-upstream-upgrade-url --allow-download-upgrade-binaries
          --enforce-download-checksum --restart-daemon-after-upgrade --restart-daemon-on-failure
          --on-failure-daemon-restart-delay --max-daemon-startup-failures
          --startup-period-duration --daemon-shutdown-grace-period --daemon-backup-data-directory
          --unsafe-skip-backup --daemon-unit --daemon-user --backups-to-keep
          --max-download-size-mib --health-check-period --metrics-textfile --trusted-keys
          --require-signature --upstream-source --github-repository --github-tag-prefix
          --github-api-url --github-upgrade-delay --build-info-timeout --reset --force --output
          --min-release-age --upgrade-window --upgrade-time-zone --rollout-spread
          --busy-check --busy-deadline --pre-upgrade-command --post-upgrade-command
          --health-check-url --build-info-url
          --fleet-endpoints --fleet-group --fleet-max-unavailable --fleet-canary --fleet-soak
          --fleet-ca-file --fleet-cert-file --fleet-key-file --fleet-credential
          --fleet-on-unreachable
          --help" \
          -- "$cur"))
      else
        COMPREPLY=($(compgen -f -- "$cur"))
      fi
      ;;
    add-upgrade)
      if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "--upgrade-name --force --add-binary --now --upgrade-time
          --upgrade-delay --publish-date --build-info-timeout --output --help" -- "$cur"))
      else
        COMPREPLY=($(compgen -f -- "$cur"))
      fi
      ;;
    exec)
      local ids
      ids=$(ls /etc/nymvisor 2>/dev/null | sed -n 's/\.toml$//p')
      COMPREPLY=($(compgen -W "$ids --help" -- "$cur"))
      ;;
    status | history)
      COMPREPLY=($(compgen -W "--id --output --help" -- "$cur"))
      ;;
    check | apply-now | resume)
      COMPREPLY=($(compgen -W "--id --wait --timeout --help" -- "$cur"))
      ;;
    rollback)
      COMPREPLY=($(compgen -W "--id --to --list --output --wait --timeout --help" -- "$cur"))
      ;;
    hold)
      COMPREPLY=($(compgen -W "--id --reason --wait --timeout --help" -- "$cur"))
      ;;
    skip)
      COMPREPLY=($(compgen -W "--id --wait --timeout --help" -- "$cur"))
      ;;
    release-node)
      COMPREPLY=($(compgen -W "--id --start --help" -- "$cur"))
      ;;
    fleet)
      local sub="" j
      for ((j = i + 1; j < COMP_CWORD; j++)); do
        case ${COMP_WORDS[j]} in
          status | clear-halt | halt)
            sub=${COMP_WORDS[j]}
            break
            ;;
        esac
      done
      case $sub in
        status) COMPREPLY=($(compgen -W "--id --output --help" -- "$cur")) ;;
        clear-halt) COMPREPLY=($(compgen -W "--id --version --all --help" -- "$cur")) ;;
        halt) COMPREPLY=($(compgen -W "--id --version --reason --help" -- "$cur")) ;;
        *) COMPREPLY=($(compgen -W "status clear-halt halt --id --help" -- "$cur")) ;;
      esac
      ;;
    *)
      COMPREPLY=($(compgen -W "--output --help" -- "$cur"))
      ;;
  esac
}

complete -F _nymvisor nymvisor
