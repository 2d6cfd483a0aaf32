'use strict';
require('./queue').defineQueueSuite('2.41.1');
