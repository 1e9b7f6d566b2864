from vlab.cli import main

raise SystemExit(main())
