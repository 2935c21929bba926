export declare const FORBIDDEN_PORTS: readonly number[];
export declare const LOG_ENV: "BRANDBASE_FORBIDDEN_PORTS_LOG";
export declare function installForbiddenPortsGuard(logPath?: string): void;
