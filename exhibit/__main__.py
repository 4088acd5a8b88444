from exhibit.cli.main import main

raise SystemExit(main())
