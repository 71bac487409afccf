from slimstage.cli import main

raise SystemExit(main())
